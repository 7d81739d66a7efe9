package rng

// Purpose is what a random stream is for: the part of its key that keeps
// two uses of randomness from ever sharing numbers. Every purpose of
// redress is listed here. Codes are scoped by the key they refine, so
// the same code may serve two scopes: the simulator's streams refine a
// (seed, replication) or (seed, replication, week) key, the textbook
// DGP's an observation's key, the network generator's the key of
// PurposeNetwork, a customer's trait streams the key of PurposeTraits.
type Purpose uint64

// Streams of the behavioral simulator (package sim).
const (
	PurposeSegment  Purpose = 1  // segment membership, per customer
	PurposeTraits   Purpose = 2  // trait draws, per customer (refined by TraitPurpose)
	PurposeWeek     Purpose = 3  // exit and purchase decisions, per week and customer
	PurposeOrder    Purpose = 4  // failure, its type and severity, performance noise
	PurposeEpisode  Purpose = 5  // contact error, satisfaction error, instrument, survey
	PurposeRecovery Purpose = 6  // response times and resolution draws
	PurposeJoin     Purpose = 7  // a prospect's weekly joining decision
	PurposeNetwork  Purpose = 8  // the social network (refined by the network's purposes)
	PurposeCoupon   Purpose = 9  // whether a coupon is redeemed at an order
	PurposeArm      Purpose = 10 // a customer-level randomisation (the instrument by customer)

	// SimPurposes bounds the simulator's codes: every one is below it.
	SimPurposes = 11
)

// Streams of the textbook DGP (package textbook), per observation.
const (
	PurposeCovariates Purpose = 1 // the k+1 standard normals behind x1…xk, z
	PurposeErrors     Purpose = 2 // the two standardised error components
)

// Streams of the network generator (package network), under
// PurposeNetwork.
const (
	PurposeLabels Purpose = 1 // ring position → node label permutation
	PurposeRewire Purpose = 2 // per-edge rewiring streams (unit = edge index)
	PurposeDegree Purpose = 3 // per-node degree draws (draw i = node i)
	PurposeParity Purpose = 4 // the node that fixes an odd stub count
	PurposeMatch  Purpose = 5 // stub shuffle
)

// TraitPurpose is the purpose of the i-th trait's stream of a customer,
// under PurposeTraits: one stream per trait, so changing one trait's
// distribution leaves the others' draws as they were.
func TraitPurpose(i int) Purpose { return Purpose(i) }
