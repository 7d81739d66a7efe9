# Reference results for HeckOProbit (estimators/heckoprobit.go): the
# ordered probit with sample selection (De Luca & Perotti 2011), its
# likelihood written here independently with pbivnorm,
#
#   Pr(s = 1, y = j) = Φ₂(zγ, κ_j − xβ; −ρ) − Φ₂(zγ, κ_{j−1} − xβ; −ρ),
#   Pr(s = 0) = Φ(−zγ),
#
# (top cell Φ(zγ) − Φ₂(zγ, κ_{J−1} − xβ; −ρ), bottom cell without the
# second term), maximised by optim (BFGS) from the separate probit and
# MASS::polr(method = "probit"), polished by Newton steps on numDeriv
# derivatives; SEs from numDeriv::hessian in (γ, β, κ, atanh ρ).
#
#   cd estimators/testdata && Rscript r_heckoprobit_reference.R > r_heckoprobit_reference.csv
#
# It writes heckoprobit_sim.csv (simulated, n = 2000, fixed seed) and prints
# key,value rows.
suppressPackageStartupMessages({library(pbivnorm); library(numDeriv); library(MASS)})
fmt <- function(x) sprintf("%.17g", x)
out <- list()
put <- function(key, x) out[[key]] <<- unname(x)

set.seed(20261205)
n <- 2000
x1 <- rnorm(n); x2 <- rnorm(n); z1 <- rnorm(n); u <- rnorm(n)
e <- 0.5 * u + sqrt(1 - 0.25) * rnorm(n)
s <- as.integer(0.2 + 0.4 * x1 + 0.8 * z1 + u > 0)
ys <- 0.5 * x1 - 0.6 * x2 + e
y <- 1 + (ys > -0.4) + (ys > 0.6)
y[s == 0] <- 0 # not observed
write.table(data.frame(s = s, y = y, x1 = fmt(x1), x2 = fmt(x2), z1 = fmt(z1)),
            "heckoprobit_sim.csv", sep = ",", quote = FALSE, row.names = FALSE)
d <- read.csv("heckoprobit_sim.csv")
Z <- cbind(1, d$x1, d$z1); X <- cbind(d$x1, d$x2)
sel <- d$s == 1; J <- 3
ll <- function(th) {
  g <- th[1:3]; b <- th[4:5]; k <- th[6:7]; r <- tanh(th[8])
  if (k[2] <= k[1]) return(-1e10)
  a <- drop(Z %*% g); xb <- drop(X %*% b)
  v <- pnorm(-a[!sel], log.p = TRUE)
  as <- a[sel]; xs <- xb[sel]; yy <- d$y[sel]
  up <- c(k, Inf)[yy]; lo <- c(-Inf, k)[yy]
  P <- function(h) ifelse(is.infinite(h), ifelse(h > 0, pnorm(as), 0),
                          pbivnorm(as, ifelse(is.infinite(h), 0, h - xs), -r))
  sum(v) + sum(log(P(up) - P(lo)))
}
p0 <- glm(s ~ x1 + z1, family = binomial("probit"), data = d)
po <- polr(factor(y) ~ x1 + x2, data = d[sel, ], method = "probit")
th0 <- c(coef(p0), coef(po), po$zeta, 0)
o <- optim(th0, ll, method = "BFGS",
           control = list(fnscale = -1, reltol = 1e-15, maxit = 10000, ndeps = rep(1e-6, 8)))
th <- o$par
for (it in 1:30) {
  step <- solve(hessian(ll, th), grad(ll, th))
  th <- th - step
  if (max(abs(step)) < 1e-12) break
}
V <- solve(-hessian(ll, th)); se <- sqrt(diag(V))
nm <- c("sel.(Intercept)", "sel.x1", "sel.z1", "out.x1", "out.x2", "cut.cut1", "cut.cut2", "athrho")
for (i in 1:8) { put(paste0("hop.est.", nm[i]), th[i]); put(paste0("hop.se.", nm[i]), se[i]) }
put("hop.est.rho", tanh(th[8])); put("hop.se.rho", (1 - tanh(th[8])^2) * se[8])
put("hop.loglik", ll(th))
put("hop.ll0", as.numeric(logLik(p0)) + as.numeric(logLik(po)))
put("hop.maxgrad", max(abs(grad(ll, th))))
cat("key,value\n")
for (k in names(out)) cat(k, ",", fmt(out[[k]]), "\n", sep = "")
