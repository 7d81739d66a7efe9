# Reference cluster-robust SEs from R's sandwich::vcovCL(type = "HC1") for
# estimators/cluster_reference_test.go, on the Mroz participants,
# clustered by age.
#   Rscript r_cluster_reference.R > r_cluster_reference.csv
suppressMessages({ library(sandwich); library(AER) })
d <- read.csv("mroz87.csv")
p <- d[!is.na(d$wage), ]
fits <- list(
  ols = lm(lwage ~ educ + exper + expersq, data = p),
  iv = ivreg(lwage ~ exper + educ | exper + nwifeinc + kidslt6, data = p)
)
out <- NULL
for (id in names(fits)) {
  m <- fits[[id]]
  v <- vcovCL(m, cluster = ~age, type = "HC1")
  out <- rbind(out, data.frame(case = id, term = names(coef(m)), estimate = coef(m), se = sqrt(diag(v)),
    clusters = length(unique(p$age))))
}
write.csv(out, stdout(), row.names = FALSE)
