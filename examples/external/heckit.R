#!/usr/bin/env Rscript
# Heckman's two-step estimator (sampleSelection's heckit) as an external
# estimator for `redress bias` on a textbook-mode scenario:
#
#   redress bias textbook-selection --reps 200 \
#     --external "Rscript examples/external/heckit.R {data}" \
#     --external-name heckit_r --external-estimands beta_x1,mean_satisfaction_given_x
#
# It reads one replication's observed data (a CSV file named by its
# argument, else standard input), fits
#   selection: contacted ~ x1 + x2 + z     outcome: satisfaction ~ x1 + x2
# and prints on standard output the JSON redress reads back:
#   {"estimates": {"beta_x1": {"estimate": ..., "se": ...}, ...}}
# Messages go to standard error; a failure is an error exit (redress
# records it, with the end of standard error, as a failed replication).
suppressPackageStartupMessages(library(sampleSelection))

args <- commandArgs(trailingOnly = TRUE)
d <- if (length(args) >= 1) read.csv(args[1]) else read.csv(file("stdin"))

fit <- selection(contacted == 1 ~ x1 + x2 + z, satisfaction ~ x1 + x2,
                 data = d, method = "2step")
terms <- c("(Intercept)", "x1", "x2")
b <- coef(fit, part = "outcome")[terms]
V <- vcov(fit, part = "outcome")[terms, terms]

# mean_satisfaction_given_x: the mean of x'b over every observation
# (contacted or not), with its delta-method SE sqrt(xbar' V xbar).
xbar <- c(1, mean(d$x1), mean(d$x2))
m <- sum(xbar * b)
m_se <- sqrt(drop(t(xbar) %*% V %*% xbar))

num <- function(x) sprintf("%.17g", x)
item <- function(name, est, se) {
  sprintf('"%s": {"estimate": %s, "se": %s}', name, num(est), num(se))
}
cat("{\"estimates\": {",
    item("beta_x1", b[["x1"]], sqrt(V["x1", "x1"])), ", ",
    item("mean_satisfaction_given_x", m, m_se),
    "}}\n", sep = "")
