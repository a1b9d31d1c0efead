package synth

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"jingzhun/internal/idcard"
)

// VehicleHeader is the header of the police's motor vehicle register (the
// cross-check dataset "vehicles", crosscheck/datasets.go), in its order.
const VehicleHeader = "身份证号,姓名,车牌号,车辆类型,购置价格（元）,购置日期"

// vehicleStream is the random stream of the vehicle register, apart from
// the households' streams (household i draws from stream i).
const vehicleStream = 0x7665_6869_636c_6573 // "vehicles"

// Area codes of Kunming that the households never draw (东川、呈贡、晋宁、
// 宜良、石林、安宁): owners outside the register get their ID numbers there,
// so that they can never be a register member by chance.
var outsiderAreas = []string{"530113", "530114", "530115", "530125", "530126", "530181"}

// vehicleKind is a vehicle type of the register, its purchase prices and
// how often it occurs; vehicleKinds add up to 100.
type vehicleKind struct {
	name   string
	lo, hi int // purchase price, yuan
	weight int // per cent
}

var vehicleKinds = []vehicleKind{
	{"二轮摩托车", 2500, 15000, 22},
	{"正三轮摩托车", 6000, 22000, 8},
	{"小型轿车", 35000, 260000, 30},
	{"小型普通客车", 45000, 180000, 14},
	{"小型越野客车", 90000, 420000, 6},
	{"轻型货车", 28000, 120000, 12},
	{"三轮汽车", 9000, 30000, 5},
	{"中型货车", 80000, 260000, 3},
}

// plateChars are the characters of a plate's serial: digits, then letters
// without I and O.
const plateChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// VehicleRegister writes a police motor vehicle register (机动车登记) of
// rows vehicles as CSV (UTF-8, header VehicleHeader) to w: valid owner ID
// numbers (GB 11643) and names, 云A plates, vehicle types, purchase prices
// and dates up to the campaign's reference date.
//
// The first matching rows (at most rows) are owned by members of the
// generator's households 0..matching-1, one row each: the first member of
// household i (its head), under the member's name; a faulty household
// (Story Faulty, about 3%) gives its row to an outsider instead. With seed
// 2017 these are the demo register's people (service.Demo seeds from
// synth.New(2017) and leaves the faulty records out). The other rows are
// owned by people outside the register, born in areas the households never
// are, some of them with several vehicles.
//
// It streams (memory is flat whatever rows is) and is deterministic: the
// same seed, rows and matching give the same bytes.
func (g *Generator) VehicleRegister(w io.Writer, rows, matching int) error {
	r := rand.New(rand.NewPCG(g.Seed, vehicleStream))
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString(VehicleHeader)
	bw.WriteByte('\n')
	ref := g.Campaign.ReferenceDate.Time()
	first := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	purchaseDays := int(ref.Sub(first).Hours()/24) + 1
	bornFirst := time.Date(1945, 1, 1, 0, 0, 0, 0, time.UTC)
	bornDays := int(time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC).Sub(bornFirst).Hours()/24) + 1
	matching = min(max(matching, 0), rows)

	var line []byte
	var lastID, lastName string
	for i := range rows {
		line = line[:0]
		var id, name string
		switch {
		case i < matching:
			id, name = g.memberOf(i)
		case lastID != "" && r.IntN(10) == 0: // the same owner's next vehicle
			id, name = lastID, lastName
		}
		if id == "" {
			id, name = outsider(r, bornFirst, bornDays)
		}
		lastID, lastName = id, name
		line = append(line, id...)
		line = append(line, ',')
		line = append(line, name...)
		line = append(line, ",云A"...)
		if r.IntN(12) == 0 { // new-energy plate: D or F and five digits
			line = append(line, "DF"[r.IntN(2)])
			for range 5 {
				line = append(line, byte('0'+r.IntN(10)))
			}
		} else {
			for j := range 5 { // mostly digits, a letter or two
				if r.IntN(100) < [5]int{60, 15, 15, 15, 15}[j] {
					line = append(line, plateChars[10+r.IntN(len(plateChars)-10)])
				} else {
					line = append(line, byte('0'+r.IntN(10)))
				}
			}
		}
		k := pickKind(r.IntN(100))
		line = append(line, ',')
		line = append(line, k.name...)
		line = append(line, ',')
		price := k.lo + r.IntN(k.hi-k.lo+1)
		if r.IntN(2) == 0 {
			price = price / 100 * 100 // prices are often round
		}
		line = strconv.AppendInt(line, int64(price), 10)
		line = append(line, ".00"...)
		line = append(line, ',')
		line = appendDate(line, first.AddDate(0, 0, r.IntN(purchaseDays)))
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// pickKind is the vehicle kind of n (0..99) by the kinds' weights.
func pickKind(n int) vehicleKind {
	for _, k := range vehicleKinds {
		if n < k.weight {
			return k
		}
		n -= k.weight
	}
	return vehicleKinds[0]
}

// memberOf is the ID number and name of the first member of household i,
// or "" for a faulty record (an invalid ID number, a name too long): no
// register holds it.
func (g *Generator) memberOf(i int) (id, name string) {
	h, s := g.HouseholdStory(i)
	if s == Faulty || len(h.Members) == 0 {
		return "", ""
	}
	return h.Members[0].IDNumber, h.Members[0].Name
}

// outsider is the ID number and name of someone born in an area that the
// households never are.
func outsider(r *rand.Rand, bornFirst time.Time, bornDays int) (id, name string) {
	b := make([]byte, 0, 18)
	b = append(b, outsiderAreas[r.IntN(len(outsiderAreas))]...)
	y, m, d := bornFirst.AddDate(0, 0, r.IntN(bornDays)).Date()
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		byte('0'+int(m)/10), byte('0'+int(m)%10), byte('0'+d/10), byte('0'+d%10))
	seq := r.IntN(1000)
	b = append(b, byte('0'+seq/100), byte('0'+seq/10%10), byte('0'+seq%10))
	b = append(b, idcard.CheckChar(string(b))...)
	given := femaleGiven
	if seq%2 == 1 { // the sequence's last digit: odd for men
		given = maleGiven
	}
	return string(b), surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))]
}

// appendDate appends t as YYYY-MM-DD.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+d/10), byte('0'+d%10))
}
