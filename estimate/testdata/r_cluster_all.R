# Reference cluster-robust standard errors for estimate/cluster_test.go:
# every estimator but ols and iv (those are in
# estimators/testdata/r_cluster_reference.R), each computed in R
# independently of the Go code.
#   cd estimate/testdata && Rscript r_cluster_all.R > r_cluster_all.csv
#
# logit:  glm(binomial) + sandwich::vcovCL(type = "HC1"), factor
#         G/(G-1)(n-1)/(n-k); average marginal effects by the delta
#         method (numDeriv Jacobian) on that covariance (probit too).
# probit: the same meat (sandwich::meatCL(type = "HC1")) with the
#         observed-information bread (redress's probit, as Stata's; glm's
#         bread is the expected information, which differs for probit).
# heckit (two-step), ipw, aipw: the stacked estimating equations
#         psi_i(theta) written out here, A the numerical (numDeriv)
#         Jacobian of sum_i psi_i, and V = G/(G-1) A^-1 (sum_g psi_g psi_g') A^-T.
# heckman, treatreg (ML): the per-observation log-likelihood written out,
#         scores by numDeriv::jacobian, A by numDeriv::hessian.
# naive:  lm(y ~ d) + vcovCL(type = "HC1").
# Clusters: age (Mroz: 31 clusters; Lalonde: 40); for treatreg and
# treatreg-twostep on treatreg_sim.csv, blocks of 10 rows (100 clusters).
suppressMessages({ library(sandwich); library(numDeriv); library(sampleSelection) })
out <- NULL
put <- function(case, eq, term, est, se)
  out <<- rbind(out, data.frame(case = case, equation = eq, term = term, estimate = est, se = se))
stackV <- function(psi, theta, cl) {
  A <- -numDeriv::jacobian(function(th) colSums(psi(th)), theta)
  P <- psi(theta)
  U <- rowsum(P, cl)
  G <- nrow(U)
  Ai <- solve(A)
  G / (G - 1) * Ai %*% crossprod(U) %*% t(Ai)
}

# For ML fits A is the Hessian of the total log-likelihood by
# numDeriv::hessian (Richardson extrapolation), more accurate than a
# Jacobian of numerical scores.
mlV <- function(ll, theta, cl) {
  Hi <- solve(-numDeriv::hessian(function(t) sum(ll(t)), theta))
  U <- rowsum(numDeriv::jacobian(ll, theta), cl)
  G <- nrow(U)
  G / (G - 1) * Hi %*% crossprod(U) %*% Hi
}

m <- read.csv("../../estimators/testdata/mroz87.csv")
zf <- inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6
for (lk in c("logit", "probit")) {
  g <- glm(zf, family = binomial(link = lk), data = m, control = glm.control(epsilon = 1e-15, maxit = 100))
  if (lk == "logit") {
    V <- vcovCL(g, cluster = ~age, type = "HC1")
  } else {
    Z <- model.matrix(g); eta <- drop(Z %*% coef(g)); q <- 2 * m$inlf - 1
    lam <- dnorm(q * eta) / pnorm(q * eta)
    H <- crossprod(Z * sqrt(lam * (q * eta + lam)))
    V <- nrow(Z) * solve(H) %*% meatCL(g, cluster = ~age, type = "HC1") %*% solve(H)
  }
  put(lk, "outcome", names(coef(g)), coef(g), sqrt(diag(V)))
  # Average marginal effects with the delta method (numerical Jacobian)
  # on the clustered covariance.
  Z <- model.matrix(g); dens <- if (lk == "logit") dlogis else dnorm
  ame <- function(b) mean(dens(drop(Z %*% b))) * b[-1]
  J <- numDeriv::jacobian(ame, coef(g))
  put(lk, "marginal_effects", names(coef(g))[-1], ame(coef(g)), sqrt(diag(J %*% V %*% t(J))))
}

# Heckman selection on Wooldridge's Example 17.5.
Z <- model.matrix(zf, m); s <- m$inlf
X <- model.matrix(~ educ + exper + expersq, m); y <- m$lwage; y[s == 0] <- 0
kz <- ncol(Z); kx <- ncol(X)
probitScore <- function(ga) { e <- drop(Z %*% ga); q <- 2 * s - 1; q * dnorm(q * e) / pnorm(q * e) * Z }
# ML: per-observation log-likelihood in (gamma, beta, atanh rho, log sigma).
llObs <- function(th) {
  ga <- th[1:kz]; be <- th[(kz + 1):(kz + kx)]; rho <- tanh(th[kz + kx + 1]); sig <- exp(th[kz + kx + 2])
  c <- drop(Z %*% ga); r <- (y - drop(X %*% be)) / sig
  ifelse(s == 1, pnorm((c + rho * r) / sqrt(1 - rho^2), log.p = TRUE) - log(sig) + dnorm(r, log = TRUE),
         pnorm(-c, log.p = TRUE))
}
ml <- selection(zf, lwage ~ educ + exper + expersq, data = m, method = "ml")
cf <- coef(ml)
th <- c(cf[1:(kz + kx)], atanh(cf["rho"]), log(cf["sigma"]))
for (it in 1:5) th <- th - solve(numDeriv::hessian(function(t) sum(llObs(t)), th), numDeriv::grad(function(t) sum(llObs(t)), th))
V <- mlV(llObs, th, m$age)
se <- sqrt(diag(V))
put("heckman", "selection", colnames(Z), th[1:kz], se[1:kz])
put("heckman", "outcome", colnames(X), th[(kz + 1):(kz + kx)], se[(kz + 1):(kz + kx)])
put("heckman", "aux", c("athrho", "lnsigma"), th[kz + kx + 1:2], se[kz + kx + 1:2])

# Heckit: probit score stacked with the second step's normal equations.
pr <- glm(zf, family = binomial(link = "probit"), data = m, control = glm.control(epsilon = 1e-15, maxit = 100))
ga <- coef(pr)
mills <- function(ga) { e <- drop(Z %*% ga); dnorm(e) / pnorm(e) }
W <- cbind(X, lambda = mills(ga))
b <- coef(lm.fit(W[s == 1, ], y[s == 1]))
psiHeckit <- function(t) {
  g <- t[1:kz]; bb <- t[-(1:kz)]
  W <- cbind(X, mills(g))
  cbind(probitScore(g), s * (y - drop(W %*% bb)) * W)
}
V <- stackV(psiHeckit, c(ga, b), m$age)
se <- sqrt(diag(V))
put("heckit", "selection", colnames(Z), ga, se[1:kz])
put("heckit", "outcome", colnames(X), b[1:kx], se[kz + 1:kx])
put("heckit", "aux", "lambda", b[kx + 1], se[kz + kx + 1])

# IPW and AIPW on the Lalonde data.
l <- read.csv("../../estimators/testdata/lalonde.csv")
covs <- c("age", "educ", "black", "hispan", "married", "nodegree", "re74", "re75")
D <- l$treat; Y <- l$re78; Zl <- cbind(1, as.matrix(l[covs])); k <- ncol(Zl)
gl <- glm.fit(Zl, D, family = binomial(), control = glm.control(epsilon = 1e-15, maxit = 100))
gam <- coef(gl); p <- fitted(gl)
wts <- list(ate = function(p) cbind(1 / p, 1 / (1 - p)), att = function(p) cbind(1, p / (1 - p)),
            atu = function(p) cbind((1 - p) / p, 1))
for (e in names(wts)) {
  w <- wts[[e]](p)
  mu1 <- sum(D * w[, 1] * Y) / sum(D * w[, 1]); mu0 <- sum((1 - D) * w[, 2] * Y) / sum((1 - D) * w[, 2])
  psi <- function(t) {
    pp <- plogis(drop(Zl %*% t[1:k])); w <- wts[[e]](pp)
    cbind((D - pp) * Zl, D * w[, 1] * (Y - t[k + 1]), (1 - D) * w[, 2] * (Y - t[k + 2]))
  }
  V <- stackV(psi, c(gam, mu1, mu0), l$age)
  put("ipw", "effects", e, mu1 - mu0, sqrt(V[k + 1, k + 1] + V[k + 2, k + 2] - 2 * V[k + 1, k + 2]))
}
f1 <- lm.fit(Zl[D == 1, ], Y[D == 1]); f0 <- lm.fit(Zl[D == 0, ], Y[D == 0])
m1 <- drop(Zl %*% coef(f1)); m0 <- drop(Zl %*% coef(f0))
mu1 <- mean(m1 + D * (Y - m1) / p); mu0 <- mean(m0 + (1 - D) * (Y - m0) / (1 - p))
att <- sum(D * (Y - m0) - (1 - D) * p / (1 - p) * (Y - m0)) / sum(D)
atu <- sum((1 - D) * (m1 - Y) + D * (1 - p) / p * (Y - m1)) / sum(1 - D)
psiA <- function(th) {
  ga <- th[1:k]; b1 <- th[(k + 1):(2 * k)]; b0 <- th[(2 * k + 1):(3 * k)]
  u1 <- th[3 * k + 1]; u0 <- th[3 * k + 2]; at <- th[3 * k + 3]; au <- th[3 * k + 4]
  pp <- plogis(drop(Zl %*% ga)); a1 <- drop(Zl %*% b1); a0 <- drop(Zl %*% b0)
  cbind((D - pp) * Zl, D * (Y - a1) * Zl, (1 - D) * (Y - a0) * Zl,
        a1 + D * (Y - a1) / pp - u1,
        a0 + (1 - D) * (Y - a0) / (1 - pp) - u0,
        D * (Y - a0) - (1 - D) * pp / (1 - pp) * (Y - a0) - D * at,
        (1 - D) * (a1 - Y) + D * (1 - pp) / pp * (Y - a1) - (1 - D) * au)
}
V <- stackV(psiA, c(gam, coef(f1), coef(f0), mu1, mu0, att, atu), l$age)
j <- 3 * k
put("aipw", "effects", c("ate", "att", "atu"), c(mu1 - mu0, att, atu),
    sqrt(c(V[j + 1, j + 1] + V[j + 2, j + 2] - 2 * V[j + 1, j + 2], V[j + 3, j + 3], V[j + 4, j + 4])))
put("aipw", "propensity", c("(Intercept)", covs), gam, sqrt(diag(V)[1:k]))

# Naive difference: lm(y ~ d) with vcovCL HC1.
nv <- lm(re78 ~ treat, data = l)
put("naive", "outcome", "difference", coef(nv)[2], sqrt(vcovCL(nv, cluster = ~age, type = "HC1")[2, 2]))
# Endogenous treatment on treatreg_sim.csv (y ~ x1 + d, d ~ x1 + z1),
# clusters of 10 consecutive rows (grp = (row - 1) %/% 10, 100 clusters).
tr <- read.csv("../../estimators/testdata/treatreg_sim.csv")
grp <- (seq_len(nrow(tr)) - 1) %/% 10
Zt <- cbind(1, tr$x1, tr$z1); Dt <- tr$d; Yt <- tr$y
Xt <- cbind(1, tr$x1, Dt); kz <- 3; kx <- 3
prt <- glm.fit(Zt, Dt, family = binomial(link = "probit"), control = glm.control(epsilon = 1e-15, maxit = 100))
gen <- function(g) { c <- drop(Zt %*% g); ifelse(Dt == 1, dnorm(c) / pnorm(c), -dnorm(c) / pnorm(-c)) }
pscore <- function(g) { e <- drop(Zt %*% g); q <- 2 * Dt - 1; q * dnorm(q * e) / pnorm(q * e) * Zt }
gt <- coef(prt)
Wt <- cbind(Xt, gen(gt))
bt <- coef(lm.fit(Wt, Yt))
psiT <- function(t) { g <- t[1:kz]; W <- cbind(Xt, gen(g)); cbind(pscore(g), (Yt - drop(W %*% t[-(1:kz)])) * W) }
V <- stackV(psiT, c(gt, bt), grp)
se <- sqrt(diag(V))
put("treatreg-twostep", "treatment", c("(Intercept)", "x1", "z1"), gt, se[1:kz])
put("treatreg-twostep", "outcome", c("(Intercept)", "x1", "d"), bt[1:kx], se[kz + 1:kx])
put("treatreg-twostep", "aux", "lambda", bt[kx + 1], se[kz + kx + 1])
llT <- function(th) {
  ga <- th[1:kz]; be <- th[(kz + 1):(kz + kx)]; rho <- tanh(th[kz + kx + 1]); sig <- exp(th[kz + kx + 2])
  c <- drop(Zt %*% ga); r <- (Yt - drop(Xt %*% be)) / sig; q <- 2 * Dt - 1
  pnorm(q * (c + rho * r) / sqrt(1 - rho^2), log.p = TRUE) - log(sig) + dnorm(r, log = TRUE)
}
s2 <- sum((Yt - drop(Wt %*% bt))^2) / nrow(tr) + bt[kx + 1]^2 * mean(gen(gt) * (gen(gt) + drop(Zt %*% gt)))
th <- c(gt, bt[1:kx], atanh(max(-0.9, min(0.9, bt[kx + 1] / sqrt(s2)))), 0.5 * log(s2))
for (it in 1:30) th <- th - solve(numDeriv::hessian(function(t) sum(llT(t)), th), numDeriv::grad(function(t) sum(llT(t)), th))
V <- mlV(llT, th, grp)
se <- sqrt(diag(V))
put("treatreg", "treatment", c("(Intercept)", "x1", "z1"), th[1:kz], se[1:kz])
put("treatreg", "outcome", c("(Intercept)", "x1", "d"), th[kz + 1:kx], se[kz + 1:kx])
put("treatreg", "aux", c("athrho", "lnsigma"), th[kz + kx + 1:2], se[kz + kx + 1:2])
write.csv(out, stdout(), row.names = FALSE)
