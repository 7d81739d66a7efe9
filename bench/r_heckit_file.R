# Peer timing for bench/run.sh: R's read.csv + sampleSelection's heckit on
# the file bench/estimatebench -gen writes (x1..x10, z, s, y).
#   Rscript bench/r_heckit_file.R heck.csv
# Prints "read.csv 5.10 s", "heckit 22.30 s", "total 27.40 s", "lambda 0.5958".
suppressMessages(library(sampleSelection))
f <- commandArgs(TRUE)[1]
t0 <- proc.time()[["elapsed"]]
d <- read.csv(f)
t1 <- proc.time()[["elapsed"]]
fs <- s ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + z
fo <- y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10
h <- heckit(fs, fo, data = d)
t2 <- proc.time()[["elapsed"]]
cat(sprintf("read.csv %.2f s\nheckit %.2f s\ntotal %.2f s\nlambda %.6f\n", t1 - t0, t2 - t1, t2 - t0, coef(h)[["invMillsRatio"]]))
