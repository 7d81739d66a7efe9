# Reference coefficients from R's lm for formulas with factors,
# interactions and transformations (formula/r_reference_test.go).
#   Rscript r_formula_reference.R > r_formula_reference.csv
d <- read.csv("mroz87.csv")
p <- d[!is.na(d$wage), ]
p$region <- c("north", "south", "east")[1 + (seq_len(nrow(p)) %% 3)]
write.csv(p[, c("lwage", "educ", "exper", "city", "kidslt6", "faminc", "hours", "region")], "mroz_participants.csv", row.names = FALSE)
cases <- list(
  factors = lwage ~ educ + factor(city) + factor(kidslt6),
  interaction = lwage ~ exper * kidslt6 + educ,
  transforms = lwage ~ log(faminc) + I(exper^2) + sqrt(hours) + exp(city),
  factor_by_numeric = lwage ~ factor(city) * educ,
  margin_absent = lwage ~ educ + factor(city):exper,
  no_intercept = lwage ~ 0 + factor(kidslt6) + educ,
  text_factor = lwage ~ educ + factor(region),
  two_factors = lwage ~ factor(region):factor(city)
)
out <- NULL
for (id in names(cases)) {
  m <- lm(cases[[id]], data = p)
  co <- coef(m)
  out <- rbind(out, data.frame(case = id, formula = deparse(cases[[id]]), term = names(co), estimate = unname(co)))
}
write.csv(out, stdout(), row.names = FALSE)
