package scenarios

// InitText returns the complete default scenario as TOML, with a comment
// above every key saying what it is, its unit, its default and its
// allowed range. It is what `redress init` prints; parsing it gives
// Default(). The tests check that every key of the schema appears here
// under a comment and that the values equal Default().
func InitText() string { return initText }

const initText = `# redress scenario: the complete default, with every key documented.
#
# A scenario file need only state what differs from these defaults; delete
# what you do not change. Every key below shows its default value.
# Probabilities, shares, rates and weights are in [0, 1] unless stated;
# every number lies between -1e6 and 1e6 ("any finite number" included).
# Check a file with: redress validate FILE.toml

# Free-text name shown in summaries. Default "default".
name = "default"
# Free-text description shown in summaries. Default as below.
description = "A mid-size online retailer with a standard recovery policy."
# Model mode: "behavioral" (the agent-based model of customers, failures
# and recoveries) or "textbook" (the exact Heckman / Maddala selection
# data-generating process of [textbook]). Default "behavioral".
mode = "behavioral"
# Root of every random stream: the same seed gives the same output.
# Integer in [0, 9223372036854775807]. Default 1.
seed = 1
# Name of the [[policies]] entry that "redress run" simulates; "" means the
# first policy. Must name a defined policy. Default "".
policy = ""

# Who the customers are and how long they are simulated.
[population]
# Number of customers (behavioral) or observations (textbook).
# Integer in [1, 100000000]. Default 20000.
size = 20000
# Number of simulated weeks (behavioral). Integer in [1, 10000]. Default 52.
weeks = 52
# Weeks simulated before the recorded weeks and not recorded (no output,
# no totals), so that learned expectations, payoffs and trust start near
# their steady state. Integer in [0, 10000]. Default 13.
warmup_weeks = 13

# Trait distributions every customer's traits are drawn from (segments may
# override any of them).
[population.traits]
# Median order value, currency units (order value is log-normal). > 0.
# Default 45.
order_value_median = 45.0
# Log-scale standard deviation of order value. >= 0. Default 0.6.
order_value_sigma = 0.6
# Mean of the Beta-distributed expected service quality E. In (0, 1).
# Default 0.7.
expectation_mean = 0.7
# Concentration of that Beta (a = mean*conc, b = (1-mean)*conc); also used
# for the recovery expectation. > 0. Default 20.
expectation_concentration = 20.0
# Mean half-width of the zone of tolerance on the [0, 1] quality scale
# (each customer's is uniform in [0.5, 1.5] x mean). In [0, 1].
# Default 0.05.
tolerance_width = 0.05
# Relative spread of the tolerance half-width: each customer's is uniform
# in [1 - spread, 1 + spread] x tolerance_width. In [0, 1]. Default 0.5.
tolerance_spread = 0.5
# Median loss aversion lambda (log-normal): shortfalls weigh lambda times
# gains. > 0. Default 2.
loss_aversion_median = 2.0
# Log-scale standard deviation of loss aversion. >= 0. Default 0.25.
loss_aversion_sigma = 0.25
# Dirichlet parameters of the justice weights (distributive, procedural,
# interactional). Exactly 3 values, each > 0. Default [5, 2, 3].
justice_alpha = [5.0, 2.0, 3.0]
# Median patience tau, hours: procedural justice decays as
# exp(-wait / tau). > 0. Default 24.
patience_hours = 24.0
# Log-scale standard deviation of patience. >= 0. Default 0.5.
patience_sigma = 0.5
# Mean urgency (Beta; raises contact). In (0, 1). Default 0.5.
urgency_mean = 0.5
# Mean uncertainty (Beta; raises contact). In (0, 1). Default 0.4.
uncertainty_mean = 0.4
# Mean product knowledge (Beta; lowers contact). In (0, 1). Default 0.5.
knowledge_mean = 0.5
# Concentration of the Beta-distributed contact drivers and of switching
# cost. > 0. Default 4.
driver_concentration = 4.0
# Product knowledge added per age band above the middle one (older
# customers know the product a little better). Any finite number.
# Default 0.03.
knowledge_age_slope = 0.03
# Log-scale standard deviation of a customer's failure proneness: their
# failure probabilities are multiplied by a mean-one log-normal factor
# (address quality, product mix, payment method). In [0, 3]. Default 0.5.
failure_proneness = 0.5
# Mean initial belief that an order goes right (the prior of the trust
# belief, worth 1 / (1 - loyalty.trust_memory) orders). In (0, 1).
# Default 0.95.
trust_prior = 0.95
# Median weekly purchase probability at baseline loyalty. In (0, 1).
# Default 0.1.
purchase_probability = 0.1
# Standard deviation of baseline loyalty across customers, logit scale.
# >= 0. Default 0.5.
loyalty_sd = 0.5
# Mean tenure at the start, weeks (exponential). >= 0. Default 80.
tenure_mean_weeks = 80.0
# Mean switching cost (Beta; lowers exit). In (0, 1). Default 0.4.
switching_cost_mean = 0.4
# Mean initial recovery expectation E^R (Beta, concentration
# expectation_concentration). In (0, 1). Default 0.45.
recovery_expectation_mean = 0.45
# Standard deviation of the voice disposition, a persistent unobservable
# that raises contact and (by outcomes.voice_effect) satisfaction: the
# source of selection bias. >= 0. Default 1.
voice_sd = 1.0

# Segments partition the population. Repeat [[population.segments]] for
# each; shares must sum to 1. Default: one segment "all" with share 1.
[[population.segments]]
# Segment name, unique and non-empty; every segment needs one. Policies'
# eligibility refers to it. Default "all".
name = "all"
# Share of the population, in (0, 1]; every segment needs one, and the
# shares sum to 1. Default 1.
share = 1.0
# A segment may override any key of [population.traits] in a table that
# follows its [[population.segments]] entry, for example:
#   [population.segments.traits]
#   patience_hours = 12.0
#   justice_alpha = [3.0, 4.0, 3.0]
# and the coefficients of the contact equation and of the satisfaction
# model for its customers (any key of [contact] but rho,
# instrument_probability, payoff_learning, word_of_mouth_weight and
# payoff_news_weight; any key of [outcomes] but expectation_reference,
# memory_weeks, horizon_weeks and the score mapping), for example:
#   [population.segments.contact]
#   intercept = -1.2
#   voice = 0.8
#   [population.segments.outcomes]
#   recovery_weight = 1.0

# The firm's baseline service and economics.
[firm]
# Mean perceived performance P of a normal order, on the [0, 1] scale of
# expectations. In [0, 1]. Default 0.78.
base_quality = 0.78
# Standard deviation of perceived performance. >= 0. Default 0.08.
quality_noise = 0.08
# Product cost as a share of revenue. In [0, 1]. Default 0.6.
product_cost_share = 0.6
# Attractiveness of the competitor, raising every customer's exit hazard.
# In [0, 1]. Default 0.3.
competitor_attractiveness = 0.3
# Annual discount rate of the terminal value: the expected margin of the
# customers still active at the horizon, discounted and weighted by their
# chance of staying, is added to profit. In (0, 10]. Default 0.1.
discount_rate = 0.1

# The failure process.
[failures]
# Severities (in (0, 1), increasing) that cut severity into the low,
# medium and high categories the firm records and refund_by_severity
# uses. Default thirds.
severity_cuts = [0.3333333333333333, 0.6666666666666666]

# Failure types. Each has: probability per order (in [0, 1]; the seven
# sum to at most 1); severity ~ Beta(severity_a, severity_b) in [0, 1]
# (both > 0); impact, scaling severity into lost perceived performance
# (>= 0); loss_fraction, the share of order value the customer loses
# until compensation or resolution restores it (in [0, 1]); restorable,
# the share of that loss resolving the issue restores (in [0, 1]);
# rejected, whether the customer rejects the flawed service (returns it:
# distributive justice S-shaped in compensation) or keeps it (concave);
# detectable, whether the firm sees the failure without a contact and so
# can reach out proactively.
#
# The order arrives late.
[failures.delivery_delay]
# Probability per order. Default 0.018.
probability = 0.018
# Severity Beta parameter a. > 0. Default 2.
severity_a = 2.0
# Severity Beta parameter b. > 0. Default 4.
severity_b = 4.0
# Lost performance per unit of severity. >= 0. Default 0.5.
impact = 0.5
# Share of order value lost. In [0, 1]. Default 0.2.
loss_fraction = 0.2
# Share of the loss a resolution restores. In [0, 1]. Default 0.3.
restorable = 0.3
# The customer rejects (returns) the flawed service. Default false.
rejected = false
# The firm can detect it without a contact. Default true.
detectable = true

# The item arrives damaged.
[failures.damaged_item]
# Probability per order. Default 0.007.
probability = 0.007
# Severity Beta parameter a. > 0. Default 3.
severity_a = 3.0
# Severity Beta parameter b. > 0. Default 3.
severity_b = 3.0
# Lost performance per unit of severity. >= 0. Default 0.7.
impact = 0.7
# Share of order value lost. In [0, 1]. Default 0.8.
loss_fraction = 0.8
# Share of the loss a resolution restores. In [0, 1]. Default 1.
restorable = 1.0
# The customer rejects (returns) the flawed service. Default true.
rejected = true
# The firm can detect it without a contact. Default false.
detectable = false

# The wrong item is delivered.
[failures.wrong_item]
# Probability per order. Default 0.006.
probability = 0.006
# Severity Beta parameter a. > 0. Default 3.
severity_a = 3.0
# Severity Beta parameter b. > 0. Default 3.
severity_b = 3.0
# Lost performance per unit of severity. >= 0. Default 0.7.
impact = 0.7
# Share of order value lost. In [0, 1]. Default 0.9.
loss_fraction = 0.9
# Share of the loss a resolution restores. In [0, 1]. Default 1.
restorable = 1.0
# The customer rejects (returns) the flawed service. Default true.
rejected = true
# The firm can detect it without a contact. Default true.
detectable = true

# Product not as described.
[failures.information_mismatch]
# Probability per order. Default 0.006.
probability = 0.006
# Severity Beta parameter a. > 0. Default 2.
severity_a = 2.0
# Severity Beta parameter b. > 0. Default 3.
severity_b = 3.0
# Lost performance per unit of severity. >= 0. Default 0.5.
impact = 0.5
# Share of order value lost. In [0, 1]. Default 0.5.
loss_fraction = 0.5
# Share of the loss a resolution restores. In [0, 1]. Default 0.8.
restorable = 0.8
# The customer rejects (returns) the flawed service. Default true.
rejected = true
# The firm can detect it without a contact. Default false.
detectable = false

# A payment is taken twice, fails or is not refunded.
[failures.payment_problem]
# Probability per order. Default 0.003.
probability = 0.003
# Severity Beta parameter a. > 0. Default 2.
severity_a = 2.0
# Severity Beta parameter b. > 0. Default 3.
severity_b = 3.0
# Lost performance per unit of severity. >= 0. Default 0.6.
impact = 0.6
# Share of order value lost. In [0, 1]. Default 0.6.
loss_fraction = 0.6
# Share of the loss a resolution restores. In [0, 1]. Default 1.
restorable = 1.0
# The customer rejects (returns) the flawed service. Default false.
rejected = false
# The firm can detect it without a contact. Default true.
detectable = true

# The customer's data is exposed.
[failures.privacy_breach]
# Probability per order. Default 0.0005.
probability = 0.0005
# Severity Beta parameter a. > 0. Default 4.
severity_a = 4.0
# Severity Beta parameter b. > 0. Default 2.
severity_b = 2.0
# Lost performance per unit of severity. >= 0. Default 0.9.
impact = 0.9
# Share of order value lost. In [0, 1]. Default 0.3.
loss_fraction = 0.3
# Share of the loss a resolution restores. In [0, 1]. Default 0.
restorable = 0.0
# The customer rejects (returns) the flawed service. Default false.
rejected = false
# The firm can detect it without a contact. Default true.
detectable = true

# A failure of the support service itself (a wrong answer, a lost
# ticket), as its own kind of failure; a failed recovery of another
# failure is a deviation of that episode (outcomes.failed_recovery_margin).
[failures.support_failure]
# Probability per order. Default 0.002.
probability = 0.002
# Severity Beta parameter a. > 0. Default 2.
severity_a = 2.0
# Severity Beta parameter b. > 0. Default 3.
severity_b = 3.0
# Lost performance per unit of severity. >= 0. Default 0.6.
impact = 0.6
# Share of order value lost. In [0, 1]. Default 0.3.
loss_fraction = 0.3
# Share of the loss a resolution restores. In [0, 1]. Default 1.
restorable = 1.0
# The customer rejects (returns) the flawed service. Default false.
rejected = false
# The firm can detect it without a contact. Default false.
detectable = false

# The contact (self-selection) equation, probit:
#   contact = 1{ intercept + severity*sev + urgency*urg + ... + u > 0 },
#   u ~ N(0, 1). Coefficients are any finite number.
[contact]
# Intercept of the contact index. Default -1.7.
intercept = -1.7
# Coefficient of failure severity. Default 1.6.
severity = 1.6
# Coefficient of urgency. Default 0.8.
urgency = 0.8
# Coefficient of uncertainty. Default 0.6.
uncertainty = 0.6
# Coefficient of log(order value / population median). Default 0.3.
log_order_value = 0.3
# Coefficient of product knowledge (negative: knowledgeable customers fix
# things themselves). Default -0.6.
knowledge = -0.6
# Coefficient of the expected recovery satisfaction (own history blended
# with word of mouth). Default 0.8.
expected_payoff = 0.8
# Channel friction, subtracted from the index. Default 0.3.
friction = 0.3
# Coefficient of the voice disposition. Default 0.5.
voice = 0.5
# Coefficient of switching cost: where leaving is costly customers
# complain rather than exit (Hirschman 1970). Default 0.8.
switching_cost = 0.8
# Coefficient of the competitor's attractiveness (firm.
# competitor_attractiveness): where exit is easy, voice is rarer.
# Default -0.8.
competitor = -0.8
# Coefficient of the customer's loyalty relative to the segment median
# (logit scale): loyal customers voice rather than leave (Hirschman 1970).
# Unobserved by the firm, so a source of selection bias. Default 0.5.
loyalty = 0.5
# A waiting customer abandons the contact when the wait exceeds an
# exponential patience with mean abandon_patience x patience tau
# (Erlang-A); an abandoned contact is a failed recovery. 0 = nobody
# abandons. >= 0. Default 4.
abandon_patience = 4.0
# Share of episodes in which the instrument is on (e.g. a randomised
# prominent help button). A probability, in [0, 1]. Default 0.5.
instrument_probability = 0.5
# Coefficient of the instrument; it moves contact only (the exclusion
# restriction). Default 0.5.
instrument_effect = 0.5
# What the instrument is randomised over: "episode" (drawn afresh at each
# failure) or "customer" (drawn once per customer, as an A/B test assigns
# by user id; a customer's episodes then share it, and standard errors
# must be clustered by customer). Default "episode".
instrument_unit = "episode"
# Correlation of u with the satisfaction error. In (-1, 1). Default 0.5.
rho = 0.5
# Rate at which a customer's expected payoff moves toward the recovery
# satisfaction they experienced. In [0, 1]. Default 0.3.
payoff_learning = 0.3
# Weight of the population's recent recovery satisfaction (word of mouth)
# in each customer's expected payoff. In [0, 1]. Default 0.3.
word_of_mouth_weight = 0.3
# Weight of a week's mean recovery satisfaction in the recovery news
# people hear (exponential smoothing). In [0, 1]. Default 0.2.
payoff_news_weight = 0.2

# The satisfaction model
#   S_tx = baseline + assimilation*(E - mean E) + disconfirmation*g(P - E)
#   S(1) = S_tx + recovery_weight*g(RS - E^R) - loss_weight*(unremedied loss)
#          + voice_effect*voice + noise
#   S(0) = S_tx - loss_weight*loss_fraction + voice_effect*voice + noise
# where g is loss-averse (losses weigh lambda) and damped inside the zone
# of tolerance.
[outcomes]
# s0, satisfaction at zero disconfirmation for an expectation equal to
# expectation_reference. Any finite number. Default 0.6.
baseline = 0.6
# a, the pull of expectations on satisfaction (assimilation): at equal
# performance dS/dE = a - disconfirmation*g'(D), so with a above the
# typical slope of g higher expectations give slightly higher
# satisfaction (Anderson 1973; Szymanski & Henard 2001). Any finite
# number. Default 1.15.
assimilation = 1.15
# Reference expectation E-bar the assimilation term is measured from, on
# the [0, 1] quality scale. In [0, 1]. Default 0.7.
expectation_reference = 0.7
# b, the weight of disconfirmation g(D) (losses weighted by loss
# aversion). Any finite number. Default 1.
disconfirmation = 1.0
# Multiplier of disconfirmation inside the zone of tolerance (0 = ignored,
# 1 = no zone). In [0, 1]. Default 0.3.
tolerance_damping = 0.3
# c, the weight of the recovery's disconfirmation g(RS - E^R): a recovery
# short of what the customer expected weighs lambda times a surplus.
# Any finite number. Default 0.8.
recovery_weight = 0.8
# Satisfaction lost per unit of unremedied loss: the failure's
# loss_fraction less what compensation and resolution restore (without a
# contact nothing is restored). Any finite number. Default 0.35.
loss_weight = 0.35
# A recovery whose satisfaction RS falls short of E^R by more than this is
# a failed recovery: a second deviation that costs trust, like an
# abandoned contact or a loss left unremedied (neither resolved nor paid
# back). >= 0. Default 0.2.
failed_recovery_margin = 0.2
# Standard deviation of the satisfaction error. >= 0. Default 0.15.
noise_sd = 0.15
# Effect of the voice disposition on satisfaction; its sign sets the
# direction of selection bias. Any finite number. Default 0.1.
voice_effect = 0.1
# A failure within this many weeks of an earlier one is recorded as a
# repeat failure (episodes.csv repeat_failure). Integer in [0, 10000].
# Default 12.
memory_weeks = 12
# Rate at which E moves toward experienced performance. In [0, 1].
# Default 0.1.
expectation_learning = 0.1
# Rate at which E^R moves toward experienced recovery satisfaction.
# In [0, 1]. Default 0.3.
recovery_expectation_learning = 0.3
# H, the window for repurchase and spend outcomes, weeks.
# Integer in [1, 10000]. Default 8.
horizon_weeks = 8
# Latent S at or below this maps to the lowest survey / NPS score.
# Any finite number. Default -0.6.
score_floor = -0.6
# Latent S at or above this maps to the highest score. Greater than
# score_floor. Default 1.
score_ceiling = 1.0

# The three justice dimensions of a recovery.
[justice]
# Distributive justice is a function of compensation relative to the
# customer's loss x. For rejected failures it is S-shaped, logistic with
# this midpoint ratio. >= 0. Default 0.9.
distributive_midpoint = 0.9
# Slope of that logistic. >= 0. Default 6.
distributive_slope = 6.0
# For kept failures it is concave, 1 - exp(-concavity * x). >= 0.
# Default 2.
distributive_concavity = 2.0
# Compensation beyond this multiple of the loss adds nothing ... >= 0.
# Default 1.5.
overcompensation_cap = 1.5
# ... and lowers distributive justice by this much per unit beyond it.
# >= 0. Default 0.1.
overcompensation_penalty = 0.1
# Worth of a coupon to the customer relative to cash, per unit of face
# value. >= 0. Default 0.5.
coupon_value_factor = 0.5
# Procedural justice exp(-wait / patience) is multiplied by this for each
# contact that does not resolve the issue. In [0, 1]. Default 0.6.
unresolved_factor = 0.6
# Rise of procedural justice from a follow-up, times
# exp(-follow_up_hours / follow_up_decay_hours) (a prompt follow-up counts
# more). In [0, 1]. Default 0.15.
follow_up_boost = 0.15
# Decay time of the follow-up's effect, hours. > 0. Default 168.
follow_up_decay_hours = 168.0
# Interactional justice with no apology. In [0, 1]. Default 0.2.
apology_none = 0.2
# Interactional justice with a scripted apology. In [0, 1]. Default 0.45.
apology_scripted = 0.45
# Interactional justice with a sincere apology. In [0, 1]. Default 0.75.
apology_sincere = 0.75
# Weight of staff empathy in interactional justice. In [0, 1].
# Default 0.2.
empathy_weight = 0.2
# Weight of personalisation in interactional justice. In [0, 1].
# Default 0.15.
personalisation_weight = 0.15
# Personalisation adds this much (times the personalisation level) to the
# customer's highest-weight justice dimension. In [0, 1]. Default 0.2.
personalisation_targeting = 0.2

# Loyalty, purchase and exit dynamics, logit scale. Coefficients are any
# finite number.
[loyalty]
# Two paths from an order to loyalty. Cumulative satisfaction C moves
# toward each order's satisfaction by this weight. In [0, 1]. Default 0.15.
cumulative_weight = 0.15
# Loyalty change per unit change of C. Default 3.
cumulative_effect = 3.0
# Loyalty change per unit change of the logit of trust, the customer's
# belief that an order goes right (failures and failed recoveries count
# against it). Default 0.4.
trust_effect = 0.4
# Weight kept by older evidence in the trust belief at each order; the
# belief is worth at most 1 / (1 - trust_memory) orders. In [0, 1).
# Default 0.95.
trust_memory = 0.95
# Goodwill: the customer's belief that the firm treats customers well, on
# the [0, 1] justice scale. It starts here ... In [0, 1]. Default 0.5.
goodwill_prior = 0.5
# ... moves toward each recovery's interactional justice (apology,
# empathy, personalisation) at this rate. In [0, 1]. Default 0.5.
goodwill_learning = 0.5
# Loyalty change per unit change of goodwill: how the customer was
# treated reaches loyalty beyond satisfaction (Tax, Brown &
# Chandrashekaran 1998; Gelbrich & Roschk 2011). Default 0.25.
goodwill_effect = 0.25
# Weekly share of the deviation from baseline loyalty that decays.
# In [0, 1]. Default 0.05.
reversion = 0.05
# Baseline loyalty added per year of tenure. Default 0.1.
tenure_effect = 0.1
# Weekly exit hazard is logistic(exit_intercept
#   + exit_competitor*competitor - exit_switching_cost*switching cost
#   - exit_loyalty*loyalty deviation). Intercept; default -5.5.
exit_intercept = -5.5
# Coefficient of competitor attractiveness. Default 1.
exit_competitor = 1.0
# Coefficient of switching cost (subtracted). Default 2.
exit_switching_cost = 2.0
# Coefficient of loyalty relative to logit(purchase_probability)
# (subtracted): loyal customers leave less. Default 1.
exit_loyalty = 1.0
# A customer who stays silent at a failure, or whose recovery failed,
# leaves at once with probability
# logistic(failure_exit_intercept + failure_exit_severity*severity
#   + exit_competitor*competitor - exit_switching_cost*switching cost
#   - exit_loyalty*loyalty deviation): exit instead of voice, or after
# voice failed.
# Intercept; default -4.
failure_exit_intercept = -4.0
# Coefficient of severity. Default 2.
failure_exit_severity = 2.0

# Word of mouth: every order yields a likelihood-to-recommend score;
# promoters (9-10) and detractors (0-6) tell their acquaintances. What a
# customer has heard (buzz: talks for minus talks against, decaying
# weekly) shifts their purchase logit; what a prospect has heard shifts
# their chance of becoming a customer (the population is open).
[word_of_mouth]
# Who talks to whom: "small_world" (Watts-Strogatz), "configuration"
# (random graph with Poisson degrees), "mean_field" (everyone hears
# everyone, scaled to mean_degree) or "none". Default "small_world".
network = "small_world"
# Mean number of acquaintances. Integer in [0, 1000], even for
# small_world. Default 10.
mean_degree = 10
# Rewiring probability of the small world. In [0, 1]. Default 0.1.
rewiring = 0.1
# Expected talks a promoter's order gives each acquaintance. >= 0.
# Default 0.1.
promoter_talk = 0.1
# Expected talks a detractor's order gives each acquaintance (bad news
# travels further). >= 0. Default 0.2.
detractor_talk = 0.2
# Weekly share of heard buzz that is forgotten. In [0, 1]. Default 0.2.
buzz_decay = 0.2
# Purchase logit shift per unit of buzz. >= 0. Default 0.3.
intent_effect = 0.3
# Prospects who may become customers, as a share of population.size
# (they are in the network from the start). In [0, 10]. Default 0.5.
prospects = 0.5
# Weekly baseline chance that a prospect becomes a customer. In [0, 1).
# Default 0.005.
join_rate = 0.005
# Join logit shift per unit of buzz a prospect has heard (referrals, and
# warnings). >= 0. Default 1.
referral_effect = 1.0
# Latent satisfaction at or below this maps to 0 on the 0-10
# likelihood-to-recommend (NPS) scale. Any finite number. Default 0.
nps_floor = 0.0
# Latent satisfaction at or above this maps to 10. Greater than
# nps_floor. Default 0.75.
nps_ceiling = 0.75
# Standard deviation of answer noise in NPS answers, points. >= 0.
# Default 1.
nps_noise_sd = 1.0

# Recovery policies. Repeat [[policies]] for each (redress compare runs
# them all); at least one. Keys a policy leaves out take these defaults.
[[policies]]
# Policy name, unique and non-empty; every [[policies]] entry needs one.
# Default "standard".
name = "standard"
# Target mean response time, hours (when staffing = 0). The firm staffs
# the cheapest daily shift that meets it at last week's contacts (the wait
# for the shift to open plus the Erlang C wait in it), paying its agents
# whether busy or not; response time is log-normal around the plan's mean
# wait. > 0 when staffing = 0 (ignored otherwise). Default 24.
response_hours = 24.0
# Log-scale standard deviation of response time. >= 0. Default 0.5.
response_sigma = 0.5
# Support agents on duty around the clock; > 0 makes response time follow
# a queue of the contacts that arrive (Erlang C with backlog), 0 uses
# response_hours. >= 0. Default 0.
staffing = 0.0
# Agent time one contact takes, hours. > 0 when staffing > 0, else >= 0.
# Default 0.5.
handle_hours = 0.5
# Shortest daily shift agents are paid for under a response-time target,
# hours. In [0.5, 24]. Default 4.
min_shift_hours = 4.0
# Refund as a fraction of the customer's loss (loss_fraction x order
# value); above 1 overcompensates. In [0, 2]. Default 0.8.
refund = 0.8
# Refund per severity category (low, medium, high) instead of refund:
# empty, or exactly 3 values in [0, 2]. Default [] (use refund).
refund_by_severity = []
# Coupon face value as a fraction of the failed order's value, given
# with the recovery (a new coupon replaces an unused one). >= 0.
# Default 0.1.
coupon_value = 0.1
# Chance that a coupon is used at the customer's next order (else it
# lapses); the firm pays its face value only then, on an order it books
# as revenue. In [0, 1]. Default 0.4.
coupon_redemption = 0.4
# Apology: "none", "scripted" or "sincere". Default "scripted".
apology = "scripted"
# Empathy of staff. In [0, 1]. Default 0.5.
empathy = 0.5
# Personalisation of the remedy. In [0, 1]. Default 0.2.
personalisation = 0.2
# Whether a follow-up contact happens. Default false.
follow_up = false
# Hours after the recovery that the follow-up happens. >= 0. Default 72.
follow_up_hours = 72.0
# Probability of reaching out on a detectable failure before any contact.
# In [0, 1]. Default 0.
proactive = 0.0
# Probability that one contact resolves the issue. In [0, 1]. Default 0.7.
first_contact_resolution = 0.7
# Most contacts one issue gets; an issue still unresolved after them is
# unresolved. Integer in [1, 10]. Default 2.
max_contacts = 2
# Staff cost per agent-hour, currency units. >= 0. Default 30.
staff_cost_per_hour = 30.0
# Cost of one follow-up, currency units. >= 0. Default 2.
follow_up_cost = 2.0
# Cost of one proactive outreach, currency units. >= 0. Default 3.
proactive_cost = 3.0
# Extra agent hours per contact at full empathy. >= 0. Default 0.15.
empathy_hours = 0.15
# Extra agent hours per contact for a sincere (not scripted) apology.
# >= 0. Default 0.05.
sincere_apology_hours = 0.05
# Cost per contact at full personalisation, currency units. >= 0.
# Default 2.
personalisation_cost = 2.0
# Cost of resolving an issue (replacement, redelivery), a fraction of
# order value. >= 0. Default 0.3.
resolution_cost = 0.3
# Proactive outreach offers the policy's remedy unless a table after the
# policy overrides parts of it (unset keys keep the policy's value):
#   [policies.proactive_remedy]
#   refund = 0.0          # fraction of the loss, 0 to 2, any severity
#   coupon_value = 0.1    # fraction of order value, >= 0
#   apology = "sincere"   # "none", "scripted" or "sincere"

# Which episodes of this policy receive refunds and coupons.
[policies.eligibility]
# Eligible segment names (defined in [[population.segments]]); [] means
# all segments. Default [].
segments = []
# Eligible failure types, from: delivery_delay, damaged_item, wrong_item,
# information_mismatch, payment_problem, privacy_breach, support_failure;
# [] means all types. Default [].
failure_types = []
# Minimum order value, currency units. >= 0. Default 0.
min_order_value = 0.0
# Minimum tenure, weeks. >= 0. Default 0.
min_tenure_weeks = 0.0

# The post-recovery satisfaction survey.
[survey]
# Points on the scale: 5 or 7. Default 5.
scale = 5
# Response probability is logistic(response_intercept
#   + response_extremity * |S - midpoint| * 2 / (ceiling - floor)).
# Intercept, any finite number. Default -1.5.
response_intercept = -1.5
# Extremity coefficient, any finite number. Default 1.5.
response_extremity = 1.5
# Standard deviation of answer noise, scale points. >= 0. Default 0.3.
score_noise_sd = 0.3

# What is written.
[output]
# Write truth_episodes.csv (the potential outcomes of every failure
# episode). Default true.
truth_episodes = true

# The textbook data-generating process (mode = "textbook"):
#   s* = gamma0 + sum gamma_j x_j + exclusion*z + u,   s = 1{s* > 0}
#   y  = beta0 + sum beta_j x_j + sigma*e            (observed when s = 1)
#   w  = beta0 + sum beta_j x_j + delta*s + sigma*e  (observed for all)
# with corr(u, e) = rho and var(u) = var(e) = 1.
[textbook]
# Outcome coefficients, intercept first; at least 1 value. Each value any
# finite number. Default [1, 0.5, -0.5].
beta = [1.0, 0.5, -0.5]
# Selection coefficients on the same covariates, intercept first; as many
# values as beta. Default [0.2, 0.5, 0.5].
gamma = [0.2, 0.5, 0.5]
# Coefficient of the excluded instrument z (0 = no exclusion
# restriction). Any finite number. Default 1.
exclusion = 1.0
# Correlation of the selection and outcome errors. In (-1, 1).
# Default 0.5.
rho = 0.5
# Scale of the outcome error. > 0. Default 1.
sigma = 1.0
# Treatment effect of s on w. Any finite number. Default 1.
delta = 1.0
# Covariate distribution: "normal", "uniform" (unit variance) or "binary".
# Default "normal".
covariates = "normal"
# Common correlation between covariates and between each covariate and z.
# In (-1, 1) and, with k covariates, > -1/k. Default 0.
covariate_correlation = 0.0
# Error distribution: "normal", "t", "skew_normal", "uniform" or
# "mixture". Default "normal".
errors = "normal"
# Degrees of freedom of t errors. > 2 when errors = "t". Default 5.
df = 5.0
# Shape alpha of skew-normal errors. Any finite number. Default 4.
skew = 4.0
# Mixture errors: weight of the second normal component. In [0, 1).
# Default 0.3.
mixture_weight = 0.3
# Mean shift of the second component. Any finite number. Default 2.
mixture_shift = 2.0
# Standard deviation of the second component (the first is N(0, 1); the
# mixture is standardised). > 0. Default 1.5.
mixture_scale = 1.5
# Kind of the satisfaction y and the outcome w: "linear" (y = xb + sigma e),
# "binary" (y = 1 if xb + sigma e > 0, else 0) or "ordered" (y = 1 plus
# the number of cutpoints below xb + sigma e). "binary" and "ordered" need
# errors = "normal". Default "linear".
outcome = "linear"
# Thresholds of an ordered outcome on the latent scale xb + sigma e,
# strictly increasing, at most 19 (20 categories). Default
# [-0.5, 0.5, 1.5, 2.5] (five categories, as a 1-5 survey).
cutpoints = [-0.5, 0.5, 1.5, 2.5]

# Defaults of a Monte Carlo bias study of this scenario (redress bias);
# the command's --reps, --estimators and --sweep flags override them.
[study]
# Replications per grid point, 0 to 10000000; 0 means --reps is
# required. Default 0.
reps = 0
# Estimators to run, e.g. ["naive", "heckit"]; empty means every one that
# applies to the mode. Default [].
estimators = []
# Swept keys, each "key=v1,v2,..." like --sweep; several form a grid.
# Default [].
sweeps = []
# Precision target, like --until: run each grid point until, for every
# estimator, e.g. "mcse(coverage)<0.005" (reps is then the cap); "" runs
# exactly reps. Default "".
until = ""
# Replications between checks of the target, 0 to 10000000 (0 = 100).
# Default 0.
batch = 0
`
