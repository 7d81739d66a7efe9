# Reference values of the standard bivariate normal CDF Φ₂(a, b; r) for
# estimators/binormal.go, from R's pbivnorm (Genz's Fortran BVND) and
# mvtnorm::pmvnorm, and for the lower tails log Φ₂ by adaptive quadrature
# (QUADPACK via integrate) of log ∫_{−∞}^{a} φ(x)Φ((b − rx)/√(1−r²)) dx,
# scaled by the integrand's maximum so that nothing underflows.
#
#   cd estimators/testdata && Rscript r_binormal_reference.R > r_binormal_reference.csv
#
# Columns: a, b, r, p (pbivnorm), p_mvtnorm, logp (log Φ₂ by quadrature,
# NA where p ≥ 1e-7).
suppressPackageStartupMessages({library(pbivnorm); library(mvtnorm)})
pts <- c(-9, -6, -4, -2.5, -1.2, -0.3, 0, 0.6, 1.7, 3, 5, 8.5)
rs <- c(-0.999, -0.99, -0.95, -0.925, -0.9, -0.75, -0.5, -0.3, -0.1, 0,
        0.15, 0.3, 0.6, 0.75, 0.85, 0.925, 0.97, 0.995, 0.999)
g <- expand.grid(a = pts, b = pts, r = rs)
g$p <- pbivnorm(g$a, g$b, g$r)
g$p_mvtnorm <- mapply(function(a, b, r)
  pmvnorm(upper = c(a, b), corr = matrix(c(1, r, r, 1), 2))[1], g$a, g$b, g$r)
logtail <- function(a, b, r) {
  s <- sqrt(1 - r^2)
  lg <- function(x) dnorm(x, log = TRUE) + pnorm((b - r * x) / s, log.p = TRUE)
  m <- optimize(lg, c(-60, a), maximum = TRUE, tol = 1e-12)$maximum
  if (lg(a) > lg(m)) m <- a
  gm <- lg(m)
  f <- function(x) exp(lg(x) - gm)
  # g is concave with g'' <= -1; c = -g''(m) sets the width of the peak
  e <- 1e-4
  c <- max(1, -(lg(m + e) - 2 * lg(m) + lg(m - e)) / e^2)
  w <- 1 / sqrt(c)
  # breakpoints m ± w(2^k − 1), k = 0, 1, ..., out to 12 on either side
  # (g(x) <= g(m) − (x − m)²/2: beyond, the integrand is below e^-72)
  d <- c(0, pmin(12, w * (2^(1:40) - 1)))
  d <- unique(d)
  int <- function(l, h) tryCatch(integrate(f, l, h, rel.tol = 1e-12, abs.tol = 0, subdivisions = 5000)$value,
                            error = function(e) integrate(f, l, h, rel.tol = 1e-10, abs.tol = 0, subdivisions = 5000)$value)
  v <- 0
  for (j in seq_len(length(d) - 1)) {
    l <- m - d[j + 1]; h <- m - d[j]
    v <- v + int(l, h)
    l <- m + d[j]; h <- min(a, m + d[j + 1])
    if (h > l) v <- v + int(l, h)
  }
  gm + log(v)
}
g$logp <- NA
tail <- which(g$p < 1e-7)
g$logp[tail] <- mapply(logtail, g$a[tail], g$b[tail], g$r[tail])
g[] <- lapply(g, function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v)))
write.csv(g, stdout(), row.names = FALSE, quote = FALSE)
