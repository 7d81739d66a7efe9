# Reference values from R's summary(lm) and confint for the t-statistic
# test of OLS (estimators/lm_reference_test.go). Regenerate with
#   Rscript r_lm_reference.R > r_lm_reference.csv
d <- read.csv("mroz87.csv")
p <- d[!is.na(d$wage), ]
cases <- list(
  list(id = "wage_educ_exper", f = wage ~ educ + exper, data = d),
  list(id = "lwage_small48", f = lwage ~ educ + exper + expersq, data = p[1:48, ]),
  list(id = "wage_no_intercept", f = wage ~ 0 + educ + exper, data = d)
)
out <- NULL
for (c in cases) {
  m <- lm(c$f, data = c$data)
  s <- summary(m)
  co <- coef(s)
  ci <- confint(m)
  fs <- s$fstatistic
  for (j in seq_len(nrow(co))) {
    term <- rownames(co)[j]
    out <- rbind(out, data.frame(case = c$id, term = term, estimate = co[j, 1], se = co[j, 2],
      t = co[j, 3], p = co[j, 4], lo = ci[j, 1], hi = ci[j, 2], df = s$df[2],
      r2 = s$r.squared, adjr2 = s$adj.r.squared, f = fs[["value"]], fdf1 = fs[["numdf"]],
      fdf2 = fs[["dendf"]], fp = pf(fs[["value"]], fs[["numdf"]], fs[["dendf"]], lower.tail = FALSE),
      sigma = s$sigma))
  }
}
write.csv(out, stdout(), row.names = FALSE, quote = TRUE)
