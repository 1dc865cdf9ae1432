package provider

import (
	"math"
	"sort"
	"strings"
	"sync"

	"charm.land/catwalk/pkg/catwalk"
	"charm.land/catwalk/pkg/embedded"

	"github.com/maker-go/maker"
)

// CatalogModel is one model in the price catalog.
type CatalogModel struct {
	Provider      string        `json:"provider"` // catalog provider id, such as "openai"
	ID            string        `json:"id"`       // the model name the API takes
	Name          string        `json:"name"`     // a readable name
	Pricing       maker.Pricing `json:"pricing"`
	ContextWindow int64         `json:"context_window"`
}

var (
	catalogOnce sync.Once
	catalog     map[string][]CatalogModel // by catalog provider id
)

// loadCatalog reads catwalk's embedded provider list once. The list ships
// inside the catwalk module, so prices need no network; they are as fresh
// as the catwalk version in go.mod.
func loadCatalog() {
	catalog = map[string][]CatalogModel{}
	for _, p := range embedded.GetAll() {
		id := string(p.ID)
		for _, m := range p.Models {
			catalog[id] = append(catalog[id], CatalogModel{
				Provider:      id,
				ID:            m.ID,
				Name:          m.Name,
				Pricing:       pricing(m),
				ContextWindow: m.ContextWindow,
			})
		}
		sort.Slice(catalog[id], func(i, j int) bool { return catalog[id][i].ID < catalog[id][j].ID })
	}
}

// pricing converts catwalk's prices. Catwalk's cached-input price is a
// cache read for some providers and a cache write (dearer than plain
// input) for others; only a price below the input price is taken as the
// read price, and otherwise cached tokens are charged as plain input, which
// never under-reports a cost.
func pricing(m catwalk.Model) maker.Pricing {
	p := maker.Pricing{InPerMTok: round(m.CostPer1MIn), OutPerMTok: round(m.CostPer1MOut)}
	if c := round(m.CostPer1MInCached); c > 0 && c < p.InPerMTok {
		p.CachedInPerMTok = c
	}
	return p
}

// round drops float noise such as 0.39999999999999997.
func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// CatalogProviders lists the provider ids the catalog has prices for.
func CatalogProviders() []string {
	catalogOnce.Do(loadCatalog)
	out := make([]string, 0, len(catalog))
	for id := range catalog {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Catalog lists the models of one catalog provider, sorted by id (nil for
// a provider the catalog does not know).
func Catalog(provider string) []CatalogModel {
	catalogOnce.Do(loadCatalog)
	return append([]CatalogModel(nil), catalog[provider]...)
}

// Price looks a model up in one catalog provider's list: by exact id, then
// by the longest catalog id the name starts with (so a dated snapshot such
// as gpt-4.1-mini-2025-04-14 finds gpt-4.1-mini), then, for names such as
// "openai/gpt-4.1-mini" that routers use, the part after the slash in the
// catalog of the part before it. ok is false when nothing matches.
func Price(provider, model string) (maker.Pricing, bool) {
	catalogOnce.Do(loadCatalog)
	if p, ok := lookup(catalog[provider], model); ok {
		return p, true
	}
	if vendor, name, cut := strings.Cut(model, "/"); cut {
		if p, ok := lookup(catalog[vendor], name); ok {
			return p, true
		}
	}
	return maker.Pricing{}, false
}

func lookup(models []CatalogModel, model string) (maker.Pricing, bool) {
	best := -1
	for i, m := range models {
		if m.ID == model {
			return m.Pricing, true
		}
		if strings.HasPrefix(model, m.ID+"-") && (best < 0 || len(m.ID) > len(models[best].ID)) {
			best = i
		}
	}
	if best >= 0 {
		return models[best].Pricing, true
	}
	return maker.Pricing{}, false
}

// PriceNoter is implemented by models that can say why their price is
// unknown or zero, for a warning and a note in the summary. An empty note
// means the price is known.
type PriceNoter interface {
	PriceNote() string
}

// PriceNote returns m's note about its price, "" when it has none.
func PriceNote(m maker.Model) string {
	if n, ok := m.(PriceNoter); ok {
		return n.PriceNote()
	}
	return ""
}
