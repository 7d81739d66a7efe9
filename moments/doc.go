// Package moments computes the summary statistics (moments) that a
// calibration by the method of simulated moments matches: the same
// function, Compute, reads a firm's support records and a simulated run
// of redress, so the data moments m̂ and the simulated moments m(θ) are
// defined identically (McFadden 1989, Econometrica 57(5); Pakes &
// Pollard 1989, Econometrica 57(5); Gouriéroux & Monfort 1996,
// Simulation-Based Econometric Methods, ch. 2). Bootstrap estimates the
// covariance Ω of the sample moments that the estimator's weight
// W = Ω⁻¹ and its standard errors need.
//
// # The import format
//
// A firm's data are two CSV files in the shape of redress's own output,
// episodes.csv (one row per failure episode) and customers.csv (one row
// per customer); other columns are ignored, and a firm's column of
// another name is renamed by a mapping THEIRS=OURS (ParseMap). Empty,
// NA, NaN and "." cells are missing.
//
// episodes.csv:
//
//	customer_id      id (number or text)   the customer, a customer_id of customers.csv
//	failure_type     code or name          0-based index into Spec.FailureTypes, or the name itself
//	severity         category              0 low, 1 medium, 2 high (or the words), as redress writes it;
//	                                       or instead severity_score, a number in [0,1] cut at
//	                                       Spec.SeverityCuts
//	contacted        0/1                   a support contact happened
//	responded        0/1                   the survey was answered
//	survey_score     1…scale               the survey answer (Spec.SurveyScale, 5 by default);
//	                                       missing if not responded
//	resolved         0/1                   the issue was resolved; missing if not contacted
//	contacts         count ≥ 0             support contacts; required when contacted
//	response_hours   hours ≥ 0             time to the response; missing if not contacted or answered
//	repurchased      0/1                   bought again within the horizon; required when window_complete
//	window_complete  0/1                   the repurchase window is fully observed
//	nps_score        0…10, optional        likelihood to recommend; without the column no nps moment
//	week             whole number,         the week (or any period) of the failure; with it the
//	                 optional              bootstrap resamples weeks as well as customers
//
// customers.csv:
//
//	customer_id      id (number or text)   unique
//	churned          0/1                   the customer left during the recorded period
//
// # The moments
//
// Every moment is a ratio of sums over episodes or customers,
//
//	m = (Σ a − Σ b) / Σ d,
//
// reported with its denominator count N = Σ d. In this order:
//
//	contact_rate                    contacted among failure episodes
//	contact_rate[TYPE]              the same per failure type, in Spec.FailureTypes order
//	contact_rate[severity=S]        the same per severity category, S = low, medium, high
//	response_rate                   responded among contacted episodes
//	survey_mean                     mean survey_score over the episodes with a score
//	survey_share[k]                 share of score k among them, k = 1…scale−1 (the top
//	                                score's share is implied, so it is left out and the
//	                                shares are not collinear)
//	fcr                             first-contact resolution: resolved with contacts = 1,
//	                                among contacted episodes
//	response_hours_mean             mean response_hours over contacted episodes with a value
//	repurchase[contacted]           repurchased among contacted episodes with window_complete = 1
//	repurchase[not_contacted]       the same among episodes not contacted
//	repurchase[resolved]            the same among contacted, resolved episodes
//	repurchase[unresolved]          the same among contacted, unresolved episodes
//	churn_rate                      churned among customers
//	nps                             (promoters 9–10 − detractors 0–6) / answers, in [−1, 1]
//
// A moment whose denominator N is below Spec.MinCount is left out, and
// Compute says which and why: a share of a handful of episodes is noise
// a calibration should not chase, and its bootstrap distribution is far
// from normal.
//
// # Covariance
//
// The episodes of one customer are not independent (the same person
// contacts, answers and buys again or not), so Bootstrap resamples whole
// customers with all their episodes — the cluster (pairs) bootstrap with
// customers as clusters (Cameron, Gelbach & Miller 2008, Review of
// Economics and Statistics 90(3); Efron & Tibshirani 1993, ch. 6). The
// customers of one week are not independent either: they meet the same
// queue and the same staff on shift, so their response times share a
// weekly shock. With a week column, Bootstrap clusters each moment's
// variance two ways, v = v_customers + v_weeks − v_episodes (Cameron,
// Gelbach & Miller 2011), keeping the customer bootstrap's correlations. Without it, the standard error of the mean response time is
// too small wherever the queue varies from week to week: on redress's
// own data (default scenario, 10,000 customers, 52 weeks) the customer
// bootstrap gives it half its standard deviation over independent data
// sets, the two-way bootstrap 0.99 of it. Bootstrap returns the
// covariance of the moment vector itself, the Ω of the sample moments,
// not a per-observation covariance.
//
// Compute and Bootstrap share one counting code: the sums above are
// accumulated over customers, each with a multiplicity — one for every
// customer in Compute, the number of times the customer was drawn in a
// bootstrap resample.
package moments
