// Package interview is interview scheduling as a [maker.Task]: place
// interviews into slots and rooms so that every hard constraint holds
// (panel members available and not double-booked, the candidate in one
// interview at a time, a free room large enough), while candidates'
// preferred slots are honoured where the rule allows. One model call places
// one interview.
//
// The rule is greedy and stated exactly, so each step has one right answer:
// the next interview in the stated order (by day, then id) takes the first
// slot, trying the candidate's preferred slots first and then the others in
// order, where every hard constraint holds, and the smallest free room that
// holds the panel and the candidate (ties by name).
//
// The state the model carries is the day being scheduled and its bookings
// only: a day's bookings cannot constrain another day, so the state stays a
// few lines long however many days the instance spans. Instances the rule
// cannot complete are rejected when they are loaded, naming the interview
// that cannot be placed and why.
package interview
