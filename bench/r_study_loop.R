# Like-for-like peer of redress's heckit + heckman bias study: a plain R loop
# that simulates the textbook selection design (n = 2,000: x1, x2, an
# excluded z, rho = 0.6, as textbook-selection) and fits sampleSelection's
# heckit and selection(method = "ml") in each replication.
#   Rscript bench/r_study_loop.R [REPS]
suppressMessages(library(sampleSelection))
args <- commandArgs(TRUE); reps <- if (length(args)) as.integer(args[1]) else 200
set.seed(1)
mk <- function(n) {
  x1 <- rnorm(n); x2 <- rnorm(n); z <- rnorm(n)
  u <- rnorm(n); e <- 0.6 * u + sqrt(1 - 0.36) * rnorm(n)
  s <- as.integer(0.2 + 0.5 * x1 + 0.5 * x2 + 1.5 * z + u > 0)
  y <- 1 + 0.5 * x1 - 0.5 * x2 + e; y[s == 0] <- NA
  data.frame(x1, x2, z, s, y)
}
t <- system.time(for (r in 1:reps) {
  d <- mk(2000)
  h <- heckit(s ~ x1 + x2 + z, y ~ x1 + x2, data = d)
  m <- selection(s ~ x1 + x2 + z, y ~ x1 + x2, data = d, method = "ml")
})["elapsed"]
cat(sprintf("R loop heckit + selection(ML), %d reps n=2000: %.2f s, %.1f ms per replication\n", reps, t, 1000 * t / reps))
