package sim

import "time"

// BusiestMinuteOf is the count the server's sliding minute gives for
// requests received at these times, in order.
func BusiestMinuteOf(times []time.Time) int64 {
	var w minuteWindow
	for _, t := range times {
		w.add(t)
	}
	return w.busiest()
}
