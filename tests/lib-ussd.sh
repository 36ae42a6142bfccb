# lib-ussd.sh: helpers for the USSD tests (t50xx), sourced after lib.sh
# and lib-http.sh.
#
# USSD_CONF is what write_conf needs for the menu: the replies' status
# texts, the three topics and the ussd group, acknowledgements by SMS on
# an Africa's Talking channel that sends nowhere.  Settings of the ussd
# group can be changed with -o.

USSD_CONF='channels = (
	{ name = "at"; type = "africastalking"; base_url = "http://127.0.0.1:9"; },
	{ name = "gen"; type = "generic"; }
);
replies = {
	help_words = [ "help" ];
	help_vi = "Nhắn nội dung phản ánh.";
	status_vi = "Phản ánh {ref} ({category}): {state}. Hạn trả lời: "
	    "{deadline}.";
	status_answer_vi = "Phản ánh {ref}: {state}. Trả lời: {answer}";
	refusal_vi = "Không tìm thấy phản ánh {ref}.";
};
topics = (
	{ id = "reception"; text_vi = "Tiếp dân sáng thứ Ba.";
	  ussd = "Tiep cong dan: sang thu Ba hang tuan tai tru so UBND."; },
	{ id = "procedures"; text_vi = "109 thủ tục.";
	  ussd = "Thu tuc hanh chinh: 109 thu tuc, 19 linh vuc."; },
	{ id = "hotline"; text_vi = "Gọi 1022."; ussd = "Duong day nong: 1022."; }
);
ussd = {
	enabled = true;
	service_code = "*123#";
	channel = "at";
	sms_ack = true;
};'

NAV='0. Quay lai, 00. Trang chu'
MAIN='UBND Phuong 7 Q.10 - Hop thu gop y
1. Phan anh, kien nghi
2. Tra cuu ho so
3. Thong tin'
INVALID='Lua chon khong hop le.'

# ussd SESSION TEXT [PHONE]: one request of a session, from PHONE
# (default +84911000001); the answer in ./body, the status in ./status.
ussd() {
	post /ussd/africastalking sessionId="$1" serviceCode='*123#' \
	    phoneNumber="${3:-+84911000001}" networkCode=45204 text="$2"
}

# test_screen TEXT: the last answer must be 200 and TEXT.
test_screen() {
	test_status 200 && test_body "$1"
}

# ref_of: the case reference in the last answer ("PA-000123").
ref_of() {
	grep -o 'PA-[0-9]*' body | head -n 1
}
