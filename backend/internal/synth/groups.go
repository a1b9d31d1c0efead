package synth

import "strconv"

// VillageGroups are the village groups (村民小组) the generator places
// households in, by village code: a demo register creates them first.
func (g *Generator) VillageGroups() map[string][]string {
	out := make(map[string][]string, len(g.villages))
	for _, v := range g.villages {
		names := make([]string, v.groups)
		for i := range names {
			names[i] = "第" + strconv.Itoa(i+1) + "村民小组"
		}
		out[v.code] = names
	}
	return out
}
