# Reference results for package estimators, computed independently in R.
#
#   cd estimators/testdata && Rscript reference.R
#
# needs Debian's r-base-core and r-cran-aer (AER brings sandwich). It
# writes mroz87.csv (from AER's PSID1976, which is the Mroz 1987 data) and
# ../reference_data_test.go, which holds every number below as a Go
# constant, so that the Go tests never need R.
#
# Everything here is written from first principles (lm, glm, sandwich and
# explicit matrix algebra); in particular the Heckman two-step covariance
# is coded from Greene (2003), Econometric Analysis 5th ed., p. 785, not
# taken from any package.

suppressPackageStartupMessages(library(AER)) # also loads sandwich
data("PSID1976", package = "AER")
d <- PSID1976
inlf <- as.integer(d$participation == "yes")
mroz <- data.frame(
  inlf     = inlf,
  hours    = d$hours,
  kidslt6  = d$youngkids,
  kidsge6  = d$oldkids,
  kids     = as.integer(d$youngkids + d$oldkids > 0),
  age      = d$age,
  agesq    = d$age^2,
  educ     = d$education,
  exper    = d$experience,
  expersq  = d$experience^2,
  city     = as.integer(d$city == "yes"),
  faminc   = d$fincome,
  nwifeinc = (d$fincome - d$wage * d$hours) / 1000,
  wage     = ifelse(inlf == 1, d$wage, NA),
  lwage    = ifelse(inlf == 1, log(d$wage), NA)
)
# Plain numeric CSV; unobserved wages (inlf = 0) are empty cells.
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
out <- as.data.frame(lapply(mroz, fmt))
write.table(out, "mroz87.csv", sep = ",", quote = FALSE, row.names = FALSE)
# Read back what the Go tests read, so both use identical numbers.
mroz <- read.csv("mroz87.csv")

ref <- list()
put <- function(key, x) ref[[key]] <<- unname(x)
putVec <- function(prefix, v) for (nm in names(v)) put(paste0(prefix, ".", nm), v[[nm]])

# ---- OLS: Wooldridge's wage equation on the participants -------------
w <- subset(mroz, inlf == 1)
m <- lm(lwage ~ educ + exper + expersq, data = w)
putVec("ols.est", coef(m))
putVec("ols.se.classical", sqrt(diag(vcov(m))))
putVec("ols.se.hc1", sqrt(diag(vcovHC(m, type = "HC1"))))

# ---- Logit and probit: Wooldridge's participation equation ----------
fS <- inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
lam <- function(t) exp(dnorm(t, log = TRUE) - pnorm(t, log.p = TRUE))

# Observed information of the probit (glm's vcov is the expected one).
probitObservedVcov <- function(X, y, b) {
  q <- 2 * y - 1
  t <- q * drop(X %*% b)
  l <- lam(t)
  solve(crossprod(X, (l * (t + l)) * X))
}
# Average marginal effects with delta-method SEs; the Jacobian by central
# differences (independent of the analytic one in Go).
ame <- function(X, b, V, dens) {
  f <- function(b) mean(dens(drop(X %*% b))) * b
  J <- sapply(seq_along(b), function(j) {
    h <- 1e-6 * max(1, abs(b[j]))
    bp <- b; bm <- b; bp[j] <- b[j] + h; bm[j] <- b[j] - h
    (f(bp) - f(bm)) / (2 * h)
  })
  list(est = f(b), se = sqrt(diag(J %*% V %*% t(J))))
}
dlogis1 <- function(t) dlogis(t)
for (lnk in c("logit", "probit")) {
  g <- glm(fS, family = binomial(link = lnk), data = mroz, control = ctl)
  X <- model.matrix(g); b <- coef(g)
  V <- if (lnk == "probit") probitObservedVcov(X, mroz$inlf, b) else vcov(g)
  putVec(paste0(lnk, ".est"), b)
  putVec(paste0(lnk, ".se"), sqrt(diag(V)))
  put(paste0(lnk, ".loglik"), as.numeric(logLik(g)))
  a <- ame(X, b, V, if (lnk == "probit") dnorm else dlogis1)
  keep <- names(b) != "(Intercept)"
  putVec(paste0(lnk, ".ame.est"), a$est[keep])
  putVec(paste0(lnk, ".ame.se"), a$se[keep])
}

# ---- Heckman two-step, Greene (2003) corrected covariance ------------
heckit2 <- function(fSel, fOut, data, tag) {
  g <- glm(fSel, family = binomial(link = "probit"), data = data, control = ctl)
  Z <- model.matrix(g); s <- data$inlf; gam <- coef(g)
  Vg <- probitObservedVcov(Z, s, gam)
  zg <- drop(Z %*% gam)
  sel <- s == 1
  l <- lam(zg[sel])
  delta <- l * (l + zg[sel])
  X <- cbind(model.matrix(fOut, data[sel, ]), lambda = l)
  y <- model.response(model.frame(fOut, data[sel, ]))
  o <- lm.fit(X, y)
  b <- o$coefficients
  n1 <- sum(sel)
  bl <- b[["lambda"]]
  sigma2 <- sum(o$residuals^2) / n1 + bl^2 * mean(delta)
  rho <- bl / sqrt(sigma2)
  XXi <- solve(crossprod(X))
  Z1 <- Z[sel, ]
  Q <- rho^2 * (t(X) %*% (delta * Z1)) %*% Vg %*% (t(Z1) %*% (delta * X))
  V <- sigma2 * XXi %*% (t(X) %*% ((1 - rho^2 * delta) * X) + Q) %*% XXi
  putVec(paste0(tag, ".sel.est"), gam)
  putVec(paste0(tag, ".sel.se"), sqrt(diag(Vg)))
  putVec(paste0(tag, ".out.est"), b)
  putVec(paste0(tag, ".out.se"), sqrt(diag(V)))
  put(paste0(tag, ".sigma"), sqrt(sigma2))
  put(paste0(tag, ".rho"), rho)
  cat(tag, ": n1 =", n1, "\n")
  print(cbind(est = b, se = sqrt(diag(V))), digits = 6)
  cat("sigma", sqrt(sigma2), "rho", rho, "\n")
}
# Wooldridge (2010/2020), Example 17.5.
heckit2(fS, lwage ~ educ + exper + expersq, mroz, "heckitW")
# Greene (2003), Example 22.8: wage in levels.
heckit2(inlf ~ age + agesq + faminc + kids + educ,
        wage ~ exper + expersq + educ + city, mroz, "heckitG")

# ---- Go file ------------------------------------------------------------
keys <- names(ref)
lines <- c(
  "// Code generated by testdata/reference.R; DO NOT EDIT.",
  "",
  "package estimators",
  "",
  "// rRef holds reference results computed in R (see testdata/reference.R).",
  "var rRef = map[string]float64{",
  sprintf("\t%s: %s,", sprintf("\"%s\"", keys), sprintf("%.17g", unlist(ref))),
  "}"
)
writeLines(lines, "../reference_data_test.go")
if (nzchar(Sys.which("gofmt"))) system("gofmt -w ../reference_data_test.go")
cat(length(keys), "reference values written\n")
