# Reference results for the treatment-effect estimators of package
# estimators (naive, IPW, AIPW, PSM, IV), computed independently in R.
#
#   cd estimators/testdata && Rscript reference_te.R
#
# needs Debian's r-base-core, r-cran-aer (brings sandwich) and
# r-cran-matching. It writes te_sim.csv and te_ties.csv (simulated data),
# mroz_iv.csv (from AER's PSID1976, the Mroz 1987 data) and
# ../reference_te_data_test.go, which holds every number below as a Go
# constant, so that the Go tests never need R.
#
# IPW and AIPW are written by hand: IPW's standard errors come from the
# stacked M-estimation sandwich A^{-1} B A^{-T} / n with A obtained by
# numerical (central-difference) differentiation of the stacked estimating
# equations, not from the closed form the Go code uses. PSM uses
# Matching::Match, IV AER::ivreg with sandwich::vcovHC.

suppressPackageStartupMessages({
  library(AER)
  library(Matching)
})

fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
writeCSV <- function(df, file) {
  write.table(as.data.frame(lapply(df, fmt)), file, sep = ",", quote = FALSE, row.names = FALSE)
  read.csv(file) # read back what the Go tests read
}

ref <- list()
put <- function(key, x) ref[[key]] <<- unname(x)
putVec <- function(prefix, v) for (nm in names(v)) put(paste0(prefix, ".", nm), v[[nm]])

# ---- Simulated data -------------------------------------------------------
# Selection on observables (x1, x2) with heterogeneous effects; z shifts
# the treatment only (an instrument).
set.seed(20260325)
n <- 1000
x1 <- rnorm(n); x2 <- rnorm(n); z <- rnorm(n)
d <- as.integer(-0.2 + 0.7 * x1 - 0.5 * x2 + 0.8 * z + rlogis(n) > 0)
y <- 1 + 1.5 * d + x1 + 0.5 * x2 + 0.5 * d * x1 + (1 + 0.3 * abs(x1)) * rnorm(n)
sim <- writeCSV(data.frame(x1 = x1, x2 = x2, z = z, d = d, y = y), "te_sim.csv")

# Discrete covariates: only 8 distinct propensity scores, so matching has
# many exact ties.
set.seed(7)
m <- 400
t1 <- rbinom(m, 1, 0.5); t2 <- sample(0:3, m, replace = TRUE)
td <- rbinom(m, 1, plogis(-0.5 + 0.8 * t1 + 0.4 * t2))
ty <- 1 + td + t1 + 0.5 * t2 + rnorm(m)
ties <- writeCSV(data.frame(x1 = t1, x2 = t2, d = td, y = ty), "te_ties.csv")

logitPS <- function(dat) {
  g <- glm(d ~ x1 + x2, family = binomial, data = dat,
           control = glm.control(epsilon = 1e-15, maxit = 100))
  list(glm = g, p = fitted(g), Z = model.matrix(g))
}

# ---- Naive -------------------------------------------------------------
tt <- t.test(sim$y[sim$d == 1], sim$y[sim$d == 0], var.equal = FALSE)
put("naive.est", mean(sim$y[sim$d == 1]) - mean(sim$y[sim$d == 0]))
put("naive.se", tt$stderr)
put("naive.mean.est", mean(sim$y[sim$d == 1]))
put("naive.mean.se", t.test(sim$y[sim$d == 1])$stderr)

# ---- IPW (Hajek) with the stacked sandwich -----------------------------
ipw <- function(dat, tag) {
  ps <- logitPS(dat)
  Z <- ps$Z; D <- dat$d; Y <- dat$y; k <- ncol(Z)
  wts <- list(
    ate = function(p) list(a = 1 / p, b = 1 / (1 - p)),
    att = function(p) list(a = rep(1, length(p)), b = p / (1 - p)),
    atu = function(p) list(a = (1 - p) / p, b = rep(1, length(p))))
  for (e in names(wts)) {
    psi <- function(theta) {
      beta <- theta[1:k]; mu1 <- theta[k + 1]; mu0 <- theta[k + 2]
      p <- plogis(drop(Z %*% beta))
      w <- wts[[e]](p)
      cbind((D - p) * Z, D * w$a * (Y - mu1), (1 - D) * w$b * (Y - mu0))
    }
    p <- ps$p; w <- wts[[e]](p)
    mu1 <- sum(D * w$a * Y) / sum(D * w$a)
    mu0 <- sum((1 - D) * w$b * Y) / sum((1 - D) * w$b)
    theta <- c(coef(ps$glm), mu1, mu0)
    stopifnot(max(abs(colMeans(psi(theta)))) < 1e-8)
    J <- matrix(0, k + 2, k + 2)
    for (j in seq_along(theta)) {
      h <- 1e-5 * max(1, abs(theta[j]))
      tp <- theta; tm <- theta; tp[j] <- tp[j] + h; tm[j] <- tm[j] - h
      J[, j] <- (colMeans(psi(tp)) - colMeans(psi(tm))) / (2 * h)
    }
    A <- -J
    P <- psi(theta)
    B <- crossprod(P) / nrow(P)
    V <- solve(A) %*% B %*% t(solve(A)) / nrow(P)
    cc <- c(rep(0, k), 1, -1)
    put(paste0(tag, ".", e, ".est"), mu1 - mu0)
    put(paste0(tag, ".", e, ".se"), sqrt(drop(t(cc) %*% V %*% cc)))
  }
}
ipw(sim, "ipw")

# ---- AIPW by hand --------------------------------------------------------
aipw <- function(dat, tag) {
  p <- logitPS(dat)$p
  D <- dat$d; Y <- dat$y; n <- nrow(dat)
  f1 <- lm(y ~ x1 + x2, data = dat, subset = d == 1)
  f0 <- lm(y ~ x1 + x2, data = dat, subset = d == 0)
  m1 <- predict(f1, newdata = dat); m0 <- predict(f0, newdata = dat)
  psi <- m1 - m0 + D * (Y - m1) / p - (1 - D) * (Y - m0) / (1 - p)
  ate <- mean(psi)
  put(paste0(tag, ".ate.est"), ate)
  put(paste0(tag, ".ate.se"), sqrt(sum((psi - ate)^2)) / n)
  n1 <- sum(D); n0 <- n - n1
  att <- sum(D * (Y - m0) - (1 - D) * p / (1 - p) * (Y - m0)) / n1
  ut <- (D * (Y - m0 - att) - (1 - D) * p / (1 - p) * (Y - m0)) / n1
  atu <- sum((1 - D) * (m1 - Y) + D * (1 - p) / p * (Y - m1)) / n0
  uu <- ((1 - D) * (m1 - Y - atu) + D * (1 - p) / p * (Y - m1)) / n0
  put(paste0(tag, ".att.est"), att); put(paste0(tag, ".att.se"), sqrt(sum(ut^2)))
  put(paste0(tag, ".atu.est"), atu); put(paste0(tag, ".atu.se"), sqrt(sum(uu^2)))
  putVec(paste0(tag, ".out1.est"), coef(f1))
  putVec(paste0(tag, ".out0.est"), coef(f0))
}
aipw(sim, "aipw")

# ---- PSM: Matching::Match on the estimated score -------------------------
# Exact ties only (distance.tolerance = 0; Matching's default 1e-5 on the
# squared standardised distance also counts near-ties as ties), and the
# Abadie-Imbens conditional variance from Var.calc = M within-group matches.
psm <- function(dat, tag, M = 1) {
  p <- logitPS(dat)$p
  for (e in c("ATE", "ATT", "ATC")) {
    mm <- Match(Y = dat$y, Tr = dat$d, X = p, estimand = e, M = M, replace = TRUE,
                ties = TRUE, BiasAdjust = FALSE, Var.calc = M, distance.tolerance = 0)
    key <- c(ATE = "ate", ATT = "att", ATC = "atu")[[e]]
    put(paste0(tag, ".", key, ".est"), mm$est)
    put(paste0(tag, ".", key, ".se"), mm$se)
    cat(tag, e, "est", mm$est, "AI se", mm$se, "se.standard", mm$se.standard, "\n")
  }
}
psm(sim, "psm")
psm(ties, "psmties")
psm(sim, "psm2", M = 2) # estimates only: for J > 1 Matching's variance differs

# ---- IV: AER::ivreg ------------------------------------------------------
iv <- ivreg(y ~ x1 + x2 + d | x1 + x2 + z, data = sim)
putVec("iv.est", coef(iv))
putVec("iv.se.classical", sqrt(diag(vcov(iv))))
putVec("iv.se.hc1", sqrt(diag(vcovHC(iv, type = "HC1"))))
put("iv.F", summary(iv, diagnostics = TRUE)$diagnostics["Weak instruments", "statistic"])
fs <- lm(d ~ x1 + x2 + z, data = sim)
putVec("iv.fs.est", coef(fs))
putVec("iv.fs.se.classical", sqrt(diag(vcov(fs))))

# Mroz (1987) wage equation, Wooldridge's Examples 15.1 and 15.5.
data("PSID1976", package = "AER")
w <- subset(PSID1976, participation == "yes")
mroz <- writeCSV(data.frame(
  lwage = log(w$wage), educ = w$education, exper = w$experience,
  expersq = w$experience^2, fatheduc = w$feducation, motheduc = w$meducation),
  "mroz_iv.csv")
e1 <- ivreg(lwage ~ educ | fatheduc, data = mroz)
putVec("mroz151.est", coef(e1))
putVec("mroz151.se.classical", sqrt(diag(vcov(e1))))
putVec("mroz151.se.hc1", sqrt(diag(vcovHC(e1, type = "HC1"))))
put("mroz151.F", summary(e1, diagnostics = TRUE)$diagnostics["Weak instruments", "statistic"])
e5 <- ivreg(lwage ~ educ + exper + expersq | exper + expersq + motheduc + fatheduc, data = mroz)
putVec("mroz155.est", coef(e5))
putVec("mroz155.se.classical", sqrt(diag(vcov(e5))))
putVec("mroz155.se.hc1", sqrt(diag(vcovHC(e5, type = "HC1"))))
put("mroz155.F", summary(e5, diagnostics = TRUE)$diagnostics["Weak instruments", "statistic"])
print(summary(e1)$coefficients, digits = 6)
print(summary(e5)$coefficients, digits = 6)

# ---- Go file ------------------------------------------------------------
keys <- names(ref)
lines <- c(
  "// Code generated by testdata/reference_te.R; DO NOT EDIT.",
  "",
  "package estimators",
  "",
  "// rRefTE holds treatment-effect reference results computed in R (see",
  "// testdata/reference_te.R).",
  "var rRefTE = map[string]float64{",
  sprintf("\t%s: %s,", sprintf("\"%s\"", keys), sprintf("%.17g", unlist(ref))),
  "}"
)
writeLines(lines, "../reference_te_data_test.go")
if (nzchar(Sys.which("gofmt"))) system("gofmt -w ../reference_te_data_test.go")
cat(length(keys), "reference values written\n")
