# Reference coefficients from R's lm for formulas with poly() terms
# (formula/r_reference_test.go, TestPolyAgainstR), on the data of
# estimators/testdata/r_formula_reference.R.
#   cd formula/testdata && Rscript r_poly_reference.R > r_poly_reference.csv
p <- read.csv("../../estimators/testdata/mroz_participants.csv")
cases <- list(
  ortho2 = lwage ~ poly(educ, 2) + exper,
  ortho3 = lwage ~ poly(exper, 3) + educ + city,
  raw3 = lwage ~ poly(exper, 3, raw = TRUE) + educ,
  two_polys = lwage ~ poly(educ, 2) + poly(faminc, 4),
  no_intercept = lwage ~ 0 + poly(hours, 2) + educ,
  by_factor = lwage ~ poly(exper, 2):factor(city) + educ,
  interaction = lwage ~ poly(exper, 2) * kidslt6
)
out <- NULL
for (id in names(cases)) {
  m <- lm(cases[[id]], data = p)
  co <- coef(m)
  out <- rbind(out, data.frame(case = id, formula = deparse(cases[[id]]), term = names(co), estimate = sprintf("%.17g", unname(co))))
}
write.csv(out, stdout(), row.names = FALSE)
