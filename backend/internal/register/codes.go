package register

// CodeItem is one entry of a code list: a stable code with its labels.
type CodeItem struct {
	Code    string `json:"code"`
	LabelZh string `json:"label_zh"`
	LabelEn string `json:"label_en"`
}

// Code lists of register.md, seeded into the code_items table, where the
// district may extend them. The codes are stable; the labels are what users read.
var CodeLists = map[string][]CodeItem{
	"status": {
		{"not_registered", "非建档立卡户", "not registered"},
		{"registered", "建档立卡未脱贫", "registered"},
		{"exited", "已脱贫", "exited"},
	},
	"ident_standard": {
		{"national", "国家标准", "national standard"},
		{"provincial", "省定标准", "provincial standard"},
		{"city", "市定标准", "city standard"},
	},
	"poverty_attribute": {
		{"general", "一般贫困户", "general"},
		{"dibao", "低保贫困户", "dibao"},
		{"tekun", "特困供养贫困户", "extreme-poverty support"},
	},
	"cause": {
		{"illness", "因病", "illness"},
		{"disability", "因残", "disability"},
		{"schooling", "因学", "schooling"},
		{"disaster", "因灾", "disaster"},
		{"lack_land", "缺土地", "lack of land"},
		{"lack_water", "缺水", "lack of water"},
		{"lack_skills", "缺技术", "lack of skills"},
		{"lack_labour", "缺劳力", "lack of labour"},
		{"lack_funds", "缺资金", "lack of funds"},
		{"poor_transport", "交通条件落后", "poor transport"},
		{"low_motivation", "自身发展动力不足", "low motivation"},
		{"marriage", "因婚", "marriage"},
		{"other", "其他", "other"},
	},
	"hukou": {
		{"agricultural", "农业户口", "agricultural"},
		{"non_agricultural", "非农业户口", "non-agricultural"},
	},
	"housing_grade": {
		{"A", "A级", "grade A"}, {"B", "B级", "grade B"}, {"C", "C级危房", "grade C (unsafe)"}, {"D", "D级危房", "grade D (unsafe)"},
	},
	"housing_structure": {
		{"brick_concrete", "砖混", "brick and concrete"},
		{"brick_wood", "砖木", "brick and wood"},
		{"earth_wood", "土木", "earth and wood"},
		{"other", "其他", "other"},
	},
	"road_type": {
		{"cement", "水泥路", "cement"},
		{"asphalt", "沥青路", "asphalt"},
		{"gravel", "砂石路", "gravel"},
		{"dirt", "泥土路", "dirt"},
		{"none", "无", "none"},
	},
	"cooking_fuel": {
		{"firewood", "柴草", "firewood"},
		{"coal", "煤炭", "coal"},
		{"gas", "燃气", "gas"},
		{"electricity", "电", "electricity"},
		{"biogas", "沼气", "biogas"},
		{"other", "其他", "other"},
	},
	"relocation_mode": {
		{"centralised", "集中安置", "centralised"},
		{"scattered", "分散安置", "scattered"},
	},
	"relation": {
		{"head", "户主", "head"},
		{"spouse", "配偶", "spouse"},
		{"son", "之子", "son"},
		{"daughter", "之女", "daughter"},
		{"daughter_in_law", "儿媳", "daughter-in-law"},
		{"son_in_law", "女婿", "son-in-law"},
		{"grandchild", "孙子女", "grandchild"},
		{"parent", "父母", "parent"},
		{"grandparent", "祖父母", "grandparent"},
		{"sibling", "兄弟姐妹", "sibling"},
		{"other", "其他", "other"},
	},
	"member_status": {
		{"present", "在户", "present"},
		{"deceased", "死亡", "deceased"},
		{"missing", "失踪", "missing"},
		{"moved_out", "迁出", "moved out"},
	},
	"gender": {
		{"male", "男", "male"},
		{"female", "女", "female"},
	},
	"political_status": {
		{"party_member", "中共党员", "party member"},
		{"probationary", "预备党员", "probationary party member"},
		{"league_member", "共青团员", "league member"},
		{"masses", "群众", "masses"},
		{"other", "其他", "other"},
	},
	"education_level": {
		{"illiterate", "文盲或半文盲", "illiterate"},
		{"primary", "小学", "primary"},
		{"junior", "初中", "junior secondary"},
		{"senior", "高中", "senior secondary"},
		{"college", "大专及以上", "college and above"},
		{"preschool_child", "学龄前儿童", "preschool child"},
	},
	"schooling_status": {
		{"not_student", "非在校生", "not a student"},
		{"preschool", "学前", "preschool"},
		{"primary", "小学", "primary"},
		{"grade7", "七年级", "grade 7"},
		{"grade8", "八年级", "grade 8"},
		{"grade9", "九年级", "grade 9"},
		{"senior_high", "高中", "senior high"},
		{"secondary_vocational", "中职", "secondary vocational"},
		{"higher_vocational", "高职", "higher vocational"},
		{"college", "大专及以上", "college and above"},
		// From household-v1 imports, which give the stage only (register/interchange.go).
		{"compulsory", "义务教育阶段（年级未详）", "compulsory education (grade not given)"},
		{"beyond_compulsory", "义务教育后（学段未详）", "beyond compulsory (stage not given)"},
	},
	"health": {
		{"healthy", "健康", "healthy"},
		{"chronic", "长期慢性病", "chronic illness"},
		{"major_disease", "患有大病", "major disease"},
	},
	"disability_category": {
		{"visual", "视力残疾", "visual"},
		{"hearing", "听力残疾", "hearing"},
		{"speech", "言语残疾", "speech"},
		{"physical", "肢体残疾", "physical"},
		{"intellectual", "智力残疾", "intellectual"},
		{"mental", "精神残疾", "mental"},
		{"multiple", "多重残疾", "multiple"},
		{"unspecified", "残疾（类别未详）", "disabled (category not given)"}, // household-v1 imports
	},
	"labour_ability": {
		{"ordinary", "普通劳动力", "ordinary labour"},
		{"skilled", "技能劳动力", "skilled labour"},
		{"lost", "丧失劳动力", "lost labour ability"},
		{"none", "无劳动力", "no labour ability"},
	},
	"migrant_place": {
		{"township", "乡镇内", "within the township"},
		{"county", "县内", "within the county"},
		{"province", "省内", "within the province"},
		{"outside", "省外", "outside the province"},
	},
	"property_kind": {
		{"self_built", "城镇自建房", "self-built town house"},
		{"commercial_housing", "商品房", "commercial housing"},
		{"shop", "门面房", "shop"},
		{"other", "其他城镇房产", "other town property"},
	},
	"transfer_reason": {
		{"marriage", "婚姻", "marriage"},
		{"split", "分户", "household split"},
		{"merge", "并户", "household merge"},
		{"correction", "更正", "correction"},
	},
	"poor_village": { // 村表: 贫困村状态
		{"not_poor", "非贫困村", "not a poor village"},
		{"poor", "贫困村（未出列）", "poor village"},
		{"exited", "已出列贫困村", "poor village, exited"},
	},
	"attachment_kind": {
		{"housing_appraisal", "危房鉴定书", "dangerous-house appraisal"},
		{"disability_cert", "残疾证", "disability certificate"},
		{"survey_form", "签字的纸质采集表", "signed paper survey form"},
		{"photo", "照片", "photo"},
		{"other", "其他", "other"},
	},
}

// Valid reports whether code is in list. The empty code is "not filled in"
// and is checked by the caller where the field is required.
func Valid(list, code string) bool {
	for _, it := range CodeLists[list] {
		if it.Code == code {
			return true
		}
	}
	return false
}

// Label is the Chinese label of a code, or the code itself when unknown.
func Label(list, code string) string {
	for _, it := range CodeLists[list] {
		if it.Code == code {
			return it.LabelZh
		}
	}
	return code
}
