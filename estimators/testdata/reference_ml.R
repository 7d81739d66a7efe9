# Reference results for the maximum-likelihood selection and treatment
# models of package estimators (Heckman, TreatRegTwoStep, TreatRegML),
# computed independently in R.
#
#   cd estimators/testdata && Rscript reference_ml.R
#
# needs Debian's r-base-core and r-cran-numderiv. It reads mroz87.csv
# (written by reference.R), writes treatreg_sim.csv (a simulated
# endogenous-treatment sample, n = 1000, fixed seed) and
# ../reference_ml_test.go with every number below as a Go constant, so the
# Go tests never need R.
#
# Independence from the Go code: the log-likelihoods are written directly
# in the (γ, β, ρ, σ) form of the textbooks (pnorm/dnorm with log = TRUE),
# maximised with optim(BFGS) on numerical gradients and polished by
# Newton steps on numDeriv's Richardson-extrapolated gradient and Hessian;
# standard errors come from numDeriv's numerical Hessian of the same
# (γ, β, atanh ρ, log σ) parameterisation; the two-step covariance uses a
# numerical Jacobian of the generalised residual instead of its closed
# form. No analytic derivative is shared with the Go code.

suppressPackageStartupMessages(library(numDeriv))
mroz <- read.csv("mroz87.csv")
ref <- list()
put <- function(key, x) ref[[key]] <<- unname(x)
putVec <- function(prefix, v) for (nm in names(v)) put(paste0(prefix, ".", nm), v[[nm]])
lam <- function(t) exp(dnorm(t, log = TRUE) - pnorm(t, log.p = TRUE))

# Bivariate-normal log-likelihood over th = (γ, β, atanh ρ, log σ).
# joint[i] = +1/−1: outcome observed, probit sign; 0: probit-only row.
bvLL <- function(th, Z, X, y, joint) {
  kz <- ncol(Z); kx <- ncol(X)
  g <- th[1:kz]; b <- th[kz + 1:kx]
  rho <- tanh(th[kz + kx + 1]); sigma <- exp(th[kz + kx + 2])
  c <- drop(Z %*% g)
  ll <- numeric(length(c))
  o <- joint == 0
  ll[o] <- pnorm(-c[o], log.p = TRUE)
  j <- !o
  e <- y[j] - drop(X[j, , drop = FALSE] %*% b)
  q <- joint[j]
  ll[j] <- pnorm(q * (c[j] + rho * e / sigma) / sqrt(1 - rho^2), log.p = TRUE) +
    dnorm(e / sigma, log = TRUE) - log(sigma)
  sum(ll)
}

# Maximise from th0 and return estimates, SEs, auxiliary parameters.
bvML <- function(th0, Z, X, y, joint, tag, eq1) {
  f <- function(th) bvLL(th, Z, X, y, joint)
  o <- optim(th0, f, method = "BFGS",
             control = list(fnscale = -1, reltol = 1e-14, maxit = 10000, ndeps = rep(1e-6, length(th0))))
  th <- o$par
  for (it in 1:20) { # Newton polish on Richardson-extrapolated derivatives
    g <- grad(f, th); H <- hessian(f, th)
    step <- solve(H, g)
    th <- th - step
    if (max(abs(step)) < 1e-12) break
  }
  H <- hessian(f, th)
  V <- solve(-H)
  kz <- ncol(Z); kx <- ncol(X); p <- kz + kx + 2
  se <- sqrt(diag(V))
  names(th) <- names(se) <- c(colnames(Z), colnames(X), "athrho", "lnsigma")
  putVec(paste0(tag, ".", eq1, ".est"), th[1:kz])
  putVec(paste0(tag, ".", eq1, ".se"), se[1:kz])
  putVec(paste0(tag, ".out.est"), th[kz + 1:kx])
  putVec(paste0(tag, ".out.se"), se[kz + 1:kx])
  aux <- function(t) { t <- unname(t); c(athrho = t[1], lnsigma = t[2], rho = tanh(t[1]), sigma = exp(t[2]),
                       lambda = tanh(t[1]) * exp(t[2])) }
  ta <- th[p - 1:0]
  J <- jacobian(aux, ta)
  Va <- V[p - 1:0, p - 1:0]
  putVec(paste0(tag, ".aux.est"), aux(ta))
  sa <- sqrt(diag(J %*% Va %*% t(J))); names(sa) <- names(aux(ta))
  putVec(paste0(tag, ".aux.se"), sa)
  put(paste0(tag, ".loglik"), f(th))
  cat(tag, ": optim ll", o$value, "polished ll", f(th), "max |grad|", max(abs(grad(f, th))), "\n")
  print(cbind(est = th, se = se), digits = 7)
  print(cbind(est = aux(ta), se = sa), digits = 7)
}

# ---- Heckman ML: Wooldridge's Example 17.5 ------------------------------
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
fS <- inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6
g <- glm(fS, family = binomial(link = "probit"), data = mroz, control = ctl)
Z <- model.matrix(g)
X <- model.matrix(~ educ + exper + expersq, data = mroz)
y <- ifelse(is.na(mroz$lwage), 0, mroz$lwage)
sel <- mroz$inlf == 1
zg <- drop(Z %*% coef(g))
l <- lam(zg[sel])
h2 <- lm.fit(cbind(X[sel, ], l), y[sel])
bl <- h2$coefficients[[ncol(X) + 1]]
s2 <- sum(h2$residuals^2) / sum(sel) + bl^2 * mean(l * (l + zg[sel]))
rho0 <- max(-0.99, min(0.99, bl / sqrt(s2)))
th0 <- c(coef(g), h2$coefficients[1:ncol(X)], atanh(rho0), log(sqrt(s2)))
bvML(th0, Z, X, y, ifelse(sel, 1, 0), "heckmanW", "sel")
# ℓ under ρ = 0: the probit plus the normal regression of the selected rows
# (R's logLik of lm is the ML one, σ² = SSE/n).
put("heckmanW.ll0", logLik(g) + logLik(lm(lwage ~ educ + exper + expersq, data = mroz[sel, ])))

# ---- Endogenous treatment: simulated sample -------------------------------
set.seed(20260123)
n <- 1000
x1 <- rnorm(n); z1 <- rnorm(n); u <- rnorm(n); v <- rnorm(n)
d <- as.integer(-0.2 + 0.8 * z1 + 0.4 * x1 + u > 0)
yt <- 1 + 0.5 * x1 + 1.0 * d + 1.5 * (0.5 * u + sqrt(1 - 0.25) * v)
fmt <- function(x) sprintf("%.17g", x)
sim <- data.frame(y = fmt(yt), d = d, x1 = fmt(x1), z1 = fmt(z1))
write.table(sim, "treatreg_sim.csv", sep = ",", quote = FALSE, row.names = FALSE)
sim <- read.csv("treatreg_sim.csv")

g <- glm(d ~ x1 + z1, family = binomial(link = "probit"), data = sim, control = ctl)
Z <- model.matrix(g); gam <- coef(g); c <- drop(Z %*% gam)
qq <- 2 * sim$d - 1
Vg <- solve(crossprod(Z, (lam(qq * c) * (qq * c + lam(qq * c))) * Z)) # observed information
hfun <- function(gam) { c <- drop(Z %*% gam); ifelse(sim$d == 1, lam(c), -lam(-c)) }
hh <- hfun(gam)
W <- cbind(model.matrix(~ x1, data = sim), treatment = sim$d, lambda = hh)
o <- lm.fit(W, sim$y)
b <- o$coefficients
bh <- b[["lambda"]]
delta <- hh * (hh + c)
sigma2 <- sum(o$residuals^2) / n + bh^2 * mean(delta)
rho <- bh / sqrt(sigma2)
G <- jacobian(hfun, gam) # ∂h/∂γ', numerically
WWi <- solve(crossprod(W))
V <- WWi %*% (sigma2 * crossprod(W, (1 - rho^2 * delta) * W) +
              bh^2 * t(W) %*% G %*% Vg %*% t(G) %*% W) %*% WWi
putVec("treat2.sel.est", gam)
putVec("treat2.sel.se", sqrt(diag(Vg)))
putVec("treat2.out.est", b)
putVec("treat2.out.se", sqrt(diag(V)))
put("treat2.sigma", sqrt(sigma2))
put("treat2.rho", rho)
cat("treatreg two-step\n"); print(cbind(est = b, se = sqrt(diag(V))), digits = 7)
cat("sigma", sqrt(sigma2), "rho", rho, "\n")

X <- model.matrix(~ x1, data = sim); X <- cbind(X, treatment = sim$d)
th0 <- c(gam, b[1:ncol(X)], atanh(max(-0.99, min(0.99, rho))), log(sqrt(sigma2)))
bvML(th0, Z, X, sim$y, qq, "treatML", "sel")
put("treatML.ll0", logLik(g) + logLik(lm(y ~ x1 + d, data = sim)))

# ---- Go file ------------------------------------------------------------
keys <- names(ref)
lines <- c(
  "// Code generated by testdata/reference_ml.R; DO NOT EDIT.",
  "",
  "package estimators",
  "",
  "// rRefML holds reference results for the ML selection and treatment",
  "// models computed in R (see testdata/reference_ml.R).",
  "var rRefML = map[string]float64{",
  sprintf("\t%s: %s,", sprintf("\"%s\"", keys), sprintf("%.17g", unlist(ref))),
  "}"
)
writeLines(lines, "../reference_ml_test.go")
if (nzchar(Sys.which("gofmt"))) system("gofmt -w ../reference_ml_test.go")
cat(length(keys), "reference values written\n")
