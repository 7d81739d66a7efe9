# Reference AIPW standard errors from the stacked M-estimation sandwich
# (the propensity logit, the two outcome regressions and the ATE, ATT and
# ATU equations estimated jointly, as Stata's teffects aipw does), with
# A obtained by numerical (central-difference) differentiation of the
# stacked estimating equations: an implementation independent of the
# analytic influence functions in aipw.go.
#   Rscript r_aipw_stacked.R > r_aipw_stacked.csv
# Data: te_sim.csv (x1, x2) and the Lalonde NSW/PSID data (lalonde.csv),
# written once from MatchIt (Debian r-cran-matchit):
#   Rscript -e 'library(MatchIt); data(lalonde); l <- lalonde; l$black <- as.integer(l$race == "black"); l$hispan <- as.integer(l$race == "hispan"); write.csv(l[c("treat","age","educ","black","hispan","married","nodegree","re74","re75","re78")], "lalonde.csv", row.names = FALSE)'
stacked <- function(name, dat, dn, yn, covs) {
  D <- dat[[dn]]; Y <- dat[[yn]]; n <- nrow(dat)
  Z <- cbind(1, as.matrix(dat[covs])); X <- Z; k <- ncol(Z)
  g <- glm.fit(Z, D, family = binomial(), control = glm.control(epsilon = 1e-15, maxit = 100))
  f1 <- lm.fit(X[D == 1, ], Y[D == 1])
  f0 <- lm.fit(X[D == 0, ], Y[D == 0])
  p <- fitted(g); m1 <- drop(X %*% coef(f1)); m0 <- drop(X %*% coef(f0))
  mu1 <- mean(m1 + D * (Y - m1) / p); mu0 <- mean(m0 + (1 - D) * (Y - m0) / (1 - p))
  att <- sum(D * (Y - m0) - (1 - D) * p / (1 - p) * (Y - m0)) / sum(D)
  atu <- sum((1 - D) * (m1 - Y) + D * (1 - p) / p * (Y - m1)) / sum(1 - D)
  theta <- c(coef(g), coef(f1), coef(f0), mu1, mu0, att, atu)
  moments <- function(th) {
    ga <- th[1:k]; b1 <- th[(k + 1):(2 * k)]; b0 <- th[(2 * k + 1):(3 * k)]
    u1 <- th[3 * k + 1]; u0 <- th[3 * k + 2]; at <- th[3 * k + 3]; au <- th[3 * k + 4]
    pp <- plogis(drop(Z %*% ga)); a1 <- drop(X %*% b1); a0 <- drop(X %*% b0)
    cbind((D - pp) * Z, D * (Y - a1) * X, (1 - D) * (Y - a0) * X,
          a1 + D * (Y - a1) / pp - u1,
          a0 + (1 - D) * (Y - a0) / (1 - pp) - u0,
          D * (Y - a0) - (1 - D) * pp / (1 - pp) * (Y - a0) - D * at,
          (1 - D) * (a1 - Y) + D * (1 - pp) / pp * (Y - a1) - (1 - D) * au)
  }
  K <- length(theta)
  A <- matrix(0, K, K)
  for (j in 1:K) {
    h <- 1e-6 * max(1, abs(theta[j]))
    tp <- theta; tm <- theta; tp[j] <- tp[j] + h; tm[j] <- tm[j] - h
    A[, j] <- -(colMeans(moments(tp)) - colMeans(moments(tm))) / (2 * h)
  }
  M <- moments(theta)
  B <- crossprod(M) / n
  Ai <- solve(A)
  V <- Ai %*% B %*% t(Ai) / n
  cc <- rep(0, K); cc[3 * k + 1] <- 1; cc[3 * k + 2] <- -1
  data.frame(data = name, effect = c("ate", "att", "atu"),
    estimate = c(mu1 - mu0, att, atu),
    se = c(sqrt(drop(t(cc) %*% V %*% cc)), sqrt(V[3 * k + 3, 3 * k + 3]), sqrt(V[3 * k + 4, 3 * k + 4])))
}
out <- rbind(
  stacked("te_sim", read.csv("te_sim.csv"), "d", "y", c("x1", "x2")),
  stacked("lalonde", read.csv("lalonde.csv"), "treat", "re78",
          c("age", "educ", "black", "hispan", "married", "nodegree", "re74", "re75")))
write.csv(out, stdout(), row.names = FALSE)
