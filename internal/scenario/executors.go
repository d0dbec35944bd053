package scenario

import (
	"fmt"
	"strconv"
	"time"
)

// Compile-time guards: every executor config satisfies Config.
var (
	_ Config = (*SharedIterations)(nil)
	_ Config = (*PerVUIterations)(nil)
	_ Config = (*ConstantVUs)(nil)
	_ Config = (*RampingVUs)(nil)
	_ Config = (*ConstantArrivalRate)(nil)
	_ Config = (*RampingArrivalRate)(nil)
	_ Config = (*ExternallyControlled)(nil)
)

// SharedIterations runs Iterations in total, pulled from one counter by VUs.
type SharedIterations struct {
	Common
	VUs         int64    `json:"vus"`
	Iterations  int64    `json:"iterations"`
	MaxDuration Duration `json:"maxDuration"`
}

// NewSharedIterations returns a config with k6's defaults.
func NewSharedIterations(name string) *SharedIterations {
	return &SharedIterations{Common: defaultCommon(name, TypeSharedIterations),
		VUs: 1, Iterations: 1, MaxDuration: Duration(DefaultMaxDuration)}
}

func (c *SharedIterations) decoders() map[string]decoder {
	return mergeDecoders(&c.Common, map[string]decoder{
		"vus": intField(&c.VUs), "iterations": intField(&c.Iterations), "maxDuration": durField(&c.MaxDuration),
	})
}

// Validate implements Config.
func (c *SharedIterations) Validate() []error {
	errs := c.validate()
	if c.VUs <= 0 {
		errs = append(errs, c.fieldErr("vus", "the number of VUs should be more than 0"))
	} else if c.Iterations < c.VUs {
		errs = append(errs, c.fieldErr("iterations",
			"the number of iterations (%d) shouldn't be less than the number of VUs (%d)", c.Iterations, c.VUs))
	}
	return append(errs, c.minDuration("maxDuration", c.MaxDuration)...)
}

// Description implements Config.
func (c *SharedIterations) Description() string {
	return fmt.Sprintf("%d iterations shared among %d VUs", c.et.ScaleInt64(c.Iterations), c.PeakVUs()) +
		c.info("maxDuration: "+c.MaxDuration.String())
}

// PeakVUs implements Config.
func (c *SharedIterations) PeakVUs() int64 { return c.et.ScaleInt64(c.VUs) }

// PlannedDuration implements Config.
func (c *SharedIterations) PlannedDuration() time.Duration {
	return satAdd(max(c.MaxDuration.D(), 0), max(c.GracefulStop.D(), 0))
}

// PerVUIterations makes each of VUs run exactly Iterations iterations.
type PerVUIterations struct {
	Common
	VUs         int64    `json:"vus"`
	Iterations  int64    `json:"iterations"`
	MaxDuration Duration `json:"maxDuration"`
}

// NewPerVUIterations returns a config with k6's defaults.
func NewPerVUIterations(name string) *PerVUIterations {
	return &PerVUIterations{Common: defaultCommon(name, TypePerVUIterations),
		VUs: 1, Iterations: 1, MaxDuration: Duration(DefaultMaxDuration)}
}

func (c *PerVUIterations) decoders() map[string]decoder {
	return mergeDecoders(&c.Common, map[string]decoder{
		"vus": intField(&c.VUs), "iterations": intField(&c.Iterations), "maxDuration": durField(&c.MaxDuration),
	})
}

// Validate implements Config.
func (c *PerVUIterations) Validate() []error {
	errs := c.validate()
	if c.VUs <= 0 {
		errs = append(errs, c.fieldErr("vus", "the number of VUs should be more than 0"))
	}
	if c.Iterations <= 0 {
		errs = append(errs, c.fieldErr("iterations", "the number of iterations should be more than 0"))
	}
	return append(errs, c.minDuration("maxDuration", c.MaxDuration)...)
}

// Description implements Config.
func (c *PerVUIterations) Description() string {
	return fmt.Sprintf("%d iterations for each of %d VUs", c.Iterations, c.PeakVUs()) +
		c.info("maxDuration: "+c.MaxDuration.String())
}

// PeakVUs implements Config.
func (c *PerVUIterations) PeakVUs() int64 { return c.et.ScaleInt64(c.VUs) }

// PlannedDuration implements Config.
func (c *PerVUIterations) PlannedDuration() time.Duration {
	return satAdd(max(c.MaxDuration.D(), 0), max(c.GracefulStop.D(), 0))
}

// ConstantVUs loops VUs VUs for Duration.
type ConstantVUs struct {
	Common
	VUs      int64    `json:"vus"`
	Duration Duration `json:"duration"`
}

// NewConstantVUs returns a config with k6's defaults (duration is required
// and left unset).
func NewConstantVUs(name string) *ConstantVUs {
	return &ConstantVUs{Common: defaultCommon(name, TypeConstantVUs), VUs: 1}
}

func (c *ConstantVUs) decoders() map[string]decoder {
	return mergeDecoders(&c.Common, map[string]decoder{
		"vus": intField(&c.VUs), "duration": durField(&c.Duration),
	})
}

// Validate implements Config.
func (c *ConstantVUs) Validate() []error {
	errs := c.validate()
	if c.VUs <= 0 {
		errs = append(errs, c.fieldErr("vus", "the number of VUs should be more than 0"))
	}
	return append(errs, c.requiredDuration(c.Duration)...)
}

// Description implements Config.
func (c *ConstantVUs) Description() string {
	return fmt.Sprintf("%d looping VUs for %s", c.PeakVUs(), c.Duration) + c.info()
}

// PeakVUs implements Config.
func (c *ConstantVUs) PeakVUs() int64 { return c.et.ScaleInt64(c.VUs) }

// PlannedDuration implements Config.
func (c *ConstantVUs) PlannedDuration() time.Duration {
	return satAdd(max(c.Duration.D(), 0), max(c.GracefulStop.D(), 0))
}

// RampingVUs changes the number of looping VUs following Stages.
type RampingVUs struct {
	Common
	StartVUs         int64    `json:"startVUs"`
	Stages           []Stage  `json:"stages"`
	GracefulRampDown Duration `json:"gracefulRampDown"`
}

// NewRampingVUs returns a config with k6's defaults (no stages).
func NewRampingVUs(name string) *RampingVUs {
	return &RampingVUs{Common: defaultCommon(name, TypeRampingVUs),
		StartVUs: 1, GracefulRampDown: Duration(DefaultGracefulRampDown)}
}

func (c *RampingVUs) decoders() map[string]decoder {
	return mergeDecoders(&c.Common, map[string]decoder{
		"startVUs": intField(&c.StartVUs), "stages": stagesField(&c.Stages),
		"gracefulRampDown": durField(&c.GracefulRampDown),
	})
}

// Validate implements Config.
func (c *RampingVUs) Validate() []error {
	errs := c.validate()
	if c.StartVUs < 0 {
		errs = append(errs, c.fieldErr("startVUs", "the number of start VUs shouldn't be negative"))
	}
	if c.GracefulRampDown < 0 {
		errs = append(errs, c.fieldErr("gracefulRampDown", "the gracefulRampDown timeout can't be negative"))
	}
	stageErrs := c.validateStages(c.Stages)
	errs = append(errs, stageErrs...)
	if len(stageErrs) == 0 && c.PeakVUs() == 0 {
		errs = append(errs, c.fieldErr("", "either startVUs or one of the stages' target values should be greater than 0"))
	}
	return errs
}

// Description implements Config.
func (c *RampingVUs) Description() string {
	return fmt.Sprintf("Up to %d looping VUs for %s over %d stages", c.PeakVUs(), sumStages(c.Stages), len(c.Stages)) +
		c.info("gracefulRampDown: "+c.GracefulRampDown.String())
}

// PeakVUs implements Config. With a segment, it is the segment's share of
// the whole test's peak: shares grow with the count, so the segment peaks
// when the whole test does.
func (c *RampingVUs) PeakVUs() int64 {
	peak := max(c.StartVUs, 0)
	for _, s := range c.Stages {
		peak = max(peak, s.Target)
	}
	return c.et.ScaleInt64(peak)
}

// PlannedDuration implements Config. After the stages, gracefulStop applies
// to the VUs still running. If the stages end at 0 VUs, the plan ends when
// the last VU has had gracefulRampDown to finish, but never later than the
// stages plus gracefulStop. With a segment the rule applies to the
// segment's own VU curve, which may reach 0 earlier.
func (c *RampingVUs) PlannedDuration() time.Duration {
	end := satAdd(sumStages(c.Stages), max(c.GracefulStop.D(), 0))
	if !c.et.IsFull() {
		return rampPlanned(c.VUsAt(-1), c.Steps(), end, max(c.GracefulRampDown.D(), 0))
	}
	cur := max(c.StartVUs, 0)
	var lastChange, t time.Duration
	for _, s := range c.Stages {
		t = satAdd(t, max(s.Duration.D(), 0))
		if target := stageTarget(s, cur); target != cur {
			// The count reaches a stage's target exactly at the stage's end.
			cur, lastChange = target, t
		}
	}
	switch {
	case cur != 0:
		return end
	case lastChange == 0 && max(c.StartVUs, 0) == 0:
		return 0 // never any VUs
	}
	return min(satAdd(lastChange, max(c.GracefulRampDown.D(), 0)), end)
}

// ConstantArrivalRate starts Rate iterations per TimeUnit for Duration.
type ConstantArrivalRate struct {
	Common
	Rate            int64    `json:"rate"`
	TimeUnit        Duration `json:"timeUnit"`
	Duration        Duration `json:"duration"`
	PreAllocatedVUs int64    `json:"preAllocatedVUs"`
	MaxVUs          int64    `json:"maxVUs"`
}

// NewConstantArrivalRate returns a config with k6's defaults.
func NewConstantArrivalRate(name string) *ConstantArrivalRate {
	return &ConstantArrivalRate{Common: defaultCommon(name, TypeConstantArrivalRate), TimeUnit: Duration(DefaultTimeUnit)}
}

func (c *ConstantArrivalRate) decoders() map[string]decoder {
	return mergeDecoders(&c.Common, map[string]decoder{
		"rate": intField(&c.Rate), "timeUnit": durField(&c.TimeUnit), "duration": durField(&c.Duration),
		"preAllocatedVUs": intField(&c.PreAllocatedVUs), "maxVUs": intField(&c.MaxVUs),
	})
}

func (c *ConstantArrivalRate) applyDefaults() {
	if !c.Has("maxVUs", c.MaxVUs != 0) {
		c.MaxVUs = c.PreAllocatedVUs
	}
}

// Validate implements Config.
func (c *ConstantArrivalRate) Validate() []error {
	errs := c.validate()
	if !c.Has("rate", c.Rate != 0) {
		errs = append(errs, c.fieldErr("rate", "the iteration rate isn't specified"))
	} else if c.Rate <= 0 {
		errs = append(errs, c.fieldErr("rate", "the iteration rate should be more than 0"))
	}
	if c.TimeUnit <= 0 {
		errs = append(errs, c.fieldErr("timeUnit", "the timeUnit should be more than 0"))
	}
	errs = append(errs, c.requiredDuration(c.Duration)...)
	return append(errs, c.validateVUs(c.PreAllocatedVUs, c.MaxVUs)...)
}

// Description implements Config.
//
// With a segment, the rate shown is the segment's share of the rate, as
// in k6, although the instance follows the whole test's schedule and
// starts only its own iterations of it.
func (c *ConstantArrivalRate) Description() string {
	return fmt.Sprintf("%.2f iterations/s for %s", perSecond(c.Rate, c.TimeUnit)*c.et.Fraction(), c.Duration) +
		c.info(maxVUsFact(c.et.ScaleInt64(c.PreAllocatedVUs), c.PeakVUs()))
}

// PeakVUs implements Config.
func (c *ConstantArrivalRate) PeakVUs() int64 {
	return c.et.ScaleInt64(max(c.PreAllocatedVUs, c.MaxVUs))
}

// PlannedDuration implements Config.
func (c *ConstantArrivalRate) PlannedDuration() time.Duration {
	return satAdd(max(c.Duration.D(), 0), max(c.GracefulStop.D(), 0))
}

// RampingArrivalRate changes the iteration start rate following Stages.
type RampingArrivalRate struct {
	Common
	StartRate       int64    `json:"startRate"`
	TimeUnit        Duration `json:"timeUnit"`
	Stages          []Stage  `json:"stages"`
	PreAllocatedVUs int64    `json:"preAllocatedVUs"`
	MaxVUs          int64    `json:"maxVUs"`
}

// NewRampingArrivalRate returns a config with k6's defaults.
func NewRampingArrivalRate(name string) *RampingArrivalRate {
	return &RampingArrivalRate{Common: defaultCommon(name, TypeRampingArrivalRate), TimeUnit: Duration(DefaultTimeUnit)}
}

func (c *RampingArrivalRate) decoders() map[string]decoder {
	return mergeDecoders(&c.Common, map[string]decoder{
		"startRate": intField(&c.StartRate), "timeUnit": durField(&c.TimeUnit), "stages": stagesField(&c.Stages),
		"preAllocatedVUs": intField(&c.PreAllocatedVUs), "maxVUs": intField(&c.MaxVUs),
	})
}

func (c *RampingArrivalRate) applyDefaults() {
	if !c.Has("maxVUs", c.MaxVUs != 0) {
		c.MaxVUs = c.PreAllocatedVUs
	}
}

// Validate implements Config.
func (c *RampingArrivalRate) Validate() []error {
	errs := c.validate()
	if c.StartRate < 0 {
		errs = append(errs, c.fieldErr("startRate", "the startRate value shouldn't be negative"))
	}
	if c.TimeUnit <= 0 {
		errs = append(errs, c.fieldErr("timeUnit", "the timeUnit should be more than 0"))
	}
	errs = append(errs, c.validateStages(c.Stages)...)
	return append(errs, c.validateVUs(c.PreAllocatedVUs, c.MaxVUs)...)
}

// Description implements Config.
func (c *RampingArrivalRate) Description() string {
	peak := max(c.StartRate, 0)
	for _, s := range c.Stages {
		peak = max(peak, s.Target)
	}
	return fmt.Sprintf("Up to %.2f iterations/s for %s over %d stages",
		perSecond(peak, c.TimeUnit)*c.et.Fraction(), sumStages(c.Stages), len(c.Stages)) +
		c.info(maxVUsFact(c.et.ScaleInt64(c.PreAllocatedVUs), c.PeakVUs()))
}

// PeakVUs implements Config.
func (c *RampingArrivalRate) PeakVUs() int64 {
	return c.et.ScaleInt64(max(c.PreAllocatedVUs, c.MaxVUs))
}

// PlannedDuration implements Config.
func (c *RampingArrivalRate) PlannedDuration() time.Duration {
	return satAdd(sumStages(c.Stages), max(c.GracefulStop.D(), 0))
}

// ExternallyControlled lets the REST API change the VU count at run time.
type ExternallyControlled struct {
	Common
	VUs      int64    `json:"vus"`
	MaxVUs   int64    `json:"maxVUs"`
	Duration Duration `json:"duration"`
}

// NewExternallyControlled returns a config with k6's defaults. Unlike the
// others it has no graceful stop.
func NewExternallyControlled(name string) *ExternallyControlled {
	c := &ExternallyControlled{Common: defaultCommon(name, TypeExternallyControlled)}
	c.GracefulStop = 0
	return c
}

func (c *ExternallyControlled) applyDefaults() {
	if !c.Has("maxVUs", c.MaxVUs != 0) {
		c.MaxVUs = c.VUs
	}
}

func (c *ExternallyControlled) decoders() map[string]decoder {
	return mergeDecoders(&c.Common, map[string]decoder{
		"vus": intField(&c.VUs), "maxVUs": intField(&c.MaxVUs), "duration": durField(&c.Duration),
	})
}

// Validate implements Config.
func (c *ExternallyControlled) Validate() []error {
	errs := c.validate()
	if c.Has("gracefulStop", c.GracefulStop != 0) {
		errs = append(errs, c.fieldErr("gracefulStop", "gracefulStop is not supported by the externally-controlled executor"))
	}
	if c.VUs < 0 {
		errs = append(errs, c.fieldErr("vus", "the number of VUs shouldn't be negative"))
	}
	if c.MaxVUs < c.VUs {
		errs = append(errs, c.fieldErr("maxVUs",
			"the number of active VUs (%d) must be less than or equal to the number of maxVUs (%d)", c.VUs, c.MaxVUs))
	}
	if !c.Has("duration", c.Duration != 0) && c.present != nil {
		errs = append(errs, c.fieldErr("duration", "the duration should be specified, for infinite duration use 0"))
	} else if c.Duration < 0 {
		errs = append(errs, c.fieldErr("duration", "the duration shouldn't be negative, for infinite duration use 0"))
	}
	return errs
}

// Description implements Config. k6 prints no parenthesised suffix here.
func (c *ExternallyControlled) Description() string {
	d := "infinite"
	if c.Duration != 0 {
		d = c.Duration.String()
	}
	return fmt.Sprintf("Externally controlled execution with %d VUs, %d max VUs, %s duration", c.VUs, c.MaxVUs, d)
}

// PeakVUs implements Config.
func (c *ExternallyControlled) PeakVUs() int64 { return max(c.VUs, c.MaxVUs, 0) }

// PlannedDuration implements Config; 0 means infinite.
func (c *ExternallyControlled) PlannedDuration() time.Duration { return max(c.Duration.D(), 0) }

// --- shared validation and formatting helpers ---

func (c *Common) minDuration(field string, d Duration) []error {
	if d.D() < MinDuration {
		return []error{c.fieldErr(field, "the %s should be at least %s, but is %s", field, MinDuration, d)}
	}
	return nil
}

func (c *Common) requiredDuration(d Duration) []error {
	if !c.Has("duration", d != 0) {
		return []error{c.fieldErr("duration", "the duration is unspecified")}
	}
	return c.minDuration("duration", d)
}

func (c *Common) validateVUs(pre, maxVUs int64) []error {
	var errs []error
	if !c.Has("preAllocatedVUs", pre != 0) {
		errs = append(errs, c.fieldErr("preAllocatedVUs", "the number of preAllocatedVUs isn't specified"))
	} else if pre < 0 {
		errs = append(errs, c.fieldErr("preAllocatedVUs", "the number of preAllocatedVUs shouldn't be negative"))
	}
	if c.Has("maxVUs", maxVUs != 0) && maxVUs < pre {
		errs = append(errs, c.fieldErr("maxVUs", "maxVUs shouldn't be less than preAllocatedVUs"))
	}
	return errs
}

func (c *Common) validateStages(stages []Stage) []error {
	if len(stages) == 0 {
		return []error{c.fieldErr("stages", "at least one stage has to be specified")}
	}
	var errs []error
	for i, s := range stages {
		n := i + 1
		path := "stages[" + strconv.Itoa(i) + "]"
		if !s.HasDuration() {
			errs = append(errs, c.fieldErr(path+".duration", "stage %d doesn't have a duration", n))
		} else if s.Duration < 0 {
			errs = append(errs, c.fieldErr(path+".duration", "the duration for stage %d shouldn't be negative", n))
		}
		if !s.HasTarget() {
			errs = append(errs, c.fieldErr(path+".target", "stage %d doesn't have a target", n))
		} else if s.Target < 0 {
			errs = append(errs, c.fieldErr(path+".target", "the target for stage %d shouldn't be negative", n))
		}
	}
	return errs
}

func sumStages(stages []Stage) time.Duration {
	var total time.Duration
	for _, s := range stages {
		total = satAdd(total, max(s.Duration.D(), 0))
	}
	return total
}

func perSecond(rate int64, unit Duration) float64 {
	if unit <= 0 {
		return 0
	}
	return float64(rate) * float64(time.Second) / float64(unit)
}

func maxVUsFact(pre, maxVUs int64) string {
	if maxVUs > pre {
		return fmt.Sprintf("maxVUs: %d-%d", pre, maxVUs)
	}
	return fmt.Sprintf("maxVUs: %d", pre)
}
