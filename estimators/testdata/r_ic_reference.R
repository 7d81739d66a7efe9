# Reference log-likelihoods, AIC and BIC from R for estimators/ic_reference_test.go:
# lm and glm (binomial logit and probit) on the Mroz data.
#   Rscript r_ic_reference.R > r_ic_reference.csv
d <- read.csv("mroz87.csv")
fits <- list(
  ols_wage = lm(wage ~ educ + exper, data = d),
  logit_inlf = glm(inlf ~ educ + age + kidslt6 + nwifeinc, family = binomial("logit"), data = d),
  probit_inlf = glm(inlf ~ educ + age + kidslt6 + nwifeinc, family = binomial("probit"), data = d)
)
out <- NULL
for (id in names(fits)) {
  m <- fits[[id]]
  out <- rbind(out, data.frame(case = id, loglik = as.numeric(logLik(m)), df = attr(logLik(m), "df"), aic = AIC(m), bic = BIC(m)))
}
write.csv(out, stdout(), row.names = FALSE)
