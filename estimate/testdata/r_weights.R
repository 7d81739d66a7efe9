# Reference weighted fits for estimate/weights_test.go: R's lm(weights =)
# and glm(weights =) on the Mroz data with the weights
# w = 0.5 + ((row - 1) mod 7)/4 (row 1-based over the 753 rows), and
# their sandwich standard errors: vcovHC(type = "HC1") and, clustered by
# age, vcovCL(type = "HC1"); weighted average marginal effects of logit
# and probit (vce hc1-ame), and the weighted lm's summary statistics
# (vce fit: R², adjusted R², F, residual SE, log-likelihood) by the delta method on the HC1 covariance; for probit the same meat with the observed
# (weighted) information as bread, as redress's probit uses.
#   cd estimate/testdata && Rscript r_weights.R > r_weights.csv
suppressMessages({ library(sandwich); library(numDeriv) })
m <- read.csv("../../estimators/testdata/mroz87.csv")
m$w <- 0.5 + ((seq_len(nrow(m)) - 1) %% 7) / 4
out <- NULL
put <- function(case, vce, f, V)
  out <<- rbind(out, data.frame(case = case, vce = vce, term = names(coef(f)), estimate = coef(f), se = sqrt(diag(V))))
p <- m[!is.na(m$lwage), ]
o <- lm(lwage ~ educ + exper + expersq, data = p, weights = w)
put("ols", "hc1", o, vcovHC(o, type = "HC1"))
put("ols", "cluster", o, vcovCL(o, cluster = ~age, type = "HC1"))
so <- summary(o)
out <- rbind(out, data.frame(case = "ols", vce = "fit", term = c("r2", "adj_r2", "f", "sigma", "loglik"),
  estimate = c(so$r.squared, so$adj.r.squared, so$fstatistic[1], so$sigma, logLik(o)), se = 0))
zf <- inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6
for (lk in c("logit", "probit")) {
  g <- suppressWarnings(glm(zf, family = binomial(link = lk), data = m, weights = w,
                            control = glm.control(epsilon = 1e-15, maxit = 100)))
  br <- function(g) {
    if (lk == "logit") return(sandwich::bread(g))
    Z <- model.matrix(g); eta <- drop(Z %*% coef(g)); q <- 2 * m$inlf - 1
    lam <- dnorm(q * eta) / pnorm(q * eta)
    nrow(Z) * solve(crossprod(Z * sqrt(m$w * lam * (q * eta + lam))))
  }
  B <- br(g); n <- nrow(m)
  put(lk, "hc1", g, B %*% meatHC(g, type = "HC1") %*% B / n)
  Vc <- B %*% meatCL(g, cluster = ~age, type = "HC1") %*% B / n
  put(lk, "cluster", g, Vc)
  # Weighted average marginal effects, delta method on the HC1 covariance.
  Z <- model.matrix(g); dens <- if (lk == "logit") dlogis else dnorm
  ame <- function(b) weighted.mean(dens(drop(Z %*% b)), m$w) * b[-1]
  J <- numDeriv::jacobian(ame, coef(g))
  V <- B %*% meatHC(g, type = "HC1") %*% B / n
  out <<- rbind(out, data.frame(case = lk, vce = "hc1-ame", term = names(coef(g))[-1], estimate = ame(coef(g)),
    se = sqrt(diag(J %*% V %*% t(J)))))
}
write.csv(out, stdout(), row.names = FALSE)
