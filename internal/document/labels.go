package document

import "strings"

// Paper never shows the field keys of the API ("child.full_name"): a changed field is named in
// words, as a marginal note is handwritten in the register.
var (
	sectionVN = map[string]string{
		"child": "người được khai sinh", "mother": "người mẹ", "father": "người cha", "requester": "người đi đăng ký",
		"deceased": "người chết", "abandoned": "trẻ bị bỏ rơi", "abroad": "việc sinh ở nước ngoài",
		"husband": "bên chồng", "wife": "bên vợ", "divorce": "việc ly hôn",
		"person": "người được xác nhận", "intended_spouse": "người dự định kết hôn",
		"adoptive.father": "cha nuôi", "adoptive.mother": "mẹ nuôi",
		"reregistered": "việc đăng ký lại", "registered_abroad": "việc đăng ký ở nước ngoài", "ward": "người được giám hộ", "guardian": "người giám hộ", "co_guardian": "người cùng giám hộ", "end": "việc chấm dứt giám hộ",
	}
	fieldVN = map[string]string{
		"full_name": "họ, chữ đệm, tên", "sex": "giới tính", "date_of_birth": "ngày, tháng, năm sinh",
		"place_of_birth": "nơi sinh", "ethnicity": "dân tộc", "nationality": "quốc tịch", "hometown": "quê quán",
		"residence": "nơi cư trú", "personal_id": "số định danh cá nhân", "relation": "quan hệ với người được đăng ký",
		"found_on": "ngày phát hiện", "found_at": "nơi phát hiện", "finder": "người phát hiện", "country": "nước",
		"date_of_death": "ngày, tháng, năm chết", "place_of_death": "nơi chết", "cause": "nguyên nhân chết",
		"birth_record": "nơi đăng ký khai sinh", "papers": "giấy tờ tùy thân",
		"court": "tòa án", "purpose": "mục đích sử dụng", "evidence": "chứng cứ", "consent": "người đồng ý cho làm con nuôi", "consented_on": "ngày đồng ý",
		"child_consent": "sự đồng ý của con nuôi",
		"incapacity":    "quyết định tuyên bố mất năng lực hành vi dân sự", "joint": "cách cùng giám hộ", "by_law": "giám hộ đương nhiên",
		"appointment": "văn bản cử người giám hộ", "ward_heard": "ý kiến của người được giám hộ", "supervisor": "người giám sát việc giám hộ",
		"on": "ngày", "reason": "lý do", "basis": "căn cứ", "original_office": "nơi đăng ký trước đây",
		"original_date": "ngày đăng ký trước đây", "original_reference": "số, quyển đăng ký trước đây", "both_lost": "việc mất sổ và bản chính",
		"used_for": "việc kết hôn đã sử dụng giấy", "authority": "cơ quan đã đăng ký", "document": "giấy tờ đã cấp", "issued_on": "ngày đăng ký", "decision": "số bản án, quyết định", "effective_on": "ngày có hiệu lực pháp luật",
	}
)

// FieldLabel names a changed field in Vietnamese: "child.full_name" is "họ, chữ đệm, tên của
// người được khai sinh". A key without a name stays unnamed ("thông tin khác") rather than
// printing the key; a test keeps every field of every kind named.
func FieldLabel(path string) string {
	var section, field string
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		section, field = path[:i], path[i+1:] // "adoptive.father.full_name": the adoptive father's name
	} else {
		field = path
	}
	f, known := fieldVN[field]
	if !known {
		return "thông tin khác"
	}
	if s, ok := sectionVN[section]; ok {
		return f + " của " + s
	}
	if section != "" {
		return "thông tin khác"
	}
	return f
}

func fieldLabels(paths []string) string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = FieldLabel(p)
	}
	return strings.Join(out, "; ")
}
