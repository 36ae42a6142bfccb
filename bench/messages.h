/*
 * bench/messages.h: eight residents' messages of the kinds the ward gets
 * (a flooded street, a bribe, drugs in an alley, a birth certificate,
 * waste water, a locked account, a scam, a closed health station), with
 * and without diacritics, some decomposed: the built-in load of the
 * router's and the model's benches.
 */
#ifndef PAPIGW_BENCH_MESSAGES_H
#define PAPIGW_BENCH_MESSAGES_H

static const char *const bench_messages[] = {
	"Duong Nguyen Tri Phuong doan truoc so 120 bi ngap nang moi khi mua, "
	    "xe chet may nam dau duong",
	"C\xc3\xa1n b\xe1\xbb\x99 \xc4\x91\xe1\xbb\x8b" "a ch\xc3\xadnh "
	    "ph\xc6\xb0\xe1\xbb\x9dng \xc4\x91\xc3\xb2i 5 tri\xe1\xbb\x87u "
	    "m\xe1\xbb\x9bi l\xc3\xa0m s\xe1\xbb\x95 h\xe1\xbb\x93ng cho "
	    "nh\xc3\xa0 t\xc3\xb4i, v\xe1\xba\xady c\xc3\xb3 \xc4\x91\xc3"
	    "\xbang kh\xc3\xb4ng",
	"hem 285 CMT8 toi nao cung co nhom thanh nien tu tap hut chich, "
	    "dan ko dam ra duong, xin cap kiem tra",
	"cho hoi lam giay khai sinh cho con can nhung giay to gi, nop o "
	    "dau, mat bao lau vay ad",
	"Xuong may trong hem xa nuoc thai ra cong, boc mui hoi thoi ca "
	    "ngay, nguoi gia tre nho bi ho",
	"Tai khoan VNeID cua toi bi khoa, khong dang nhap dc, len phuong "
	    "thi bao cho, phai lam sao day",
	"Chuc mung thue bao da trung thuong xe SH, soan tin NHAN gui 8x77 "
	    "de nhan giai ngay hom nay",
	"Tr\xe1\xba\xa1m y te\xcc\x81 ph\xc6\xb0\xe1\xbb\x9dng \xc4\x91o"
	    "\xcc\x81ng c\xc6\xb0\xcc\x89" "a gi\xc6\xb0\xcc\x80 tr\xc6\xb0"
	    "a, ng\xc6\xb0\xc6\xa1\xcc\x80i gia\xcc\x80 \xc4\x91\xc3\xaa"
	    "\xcc\x81n ti\xc3\xaa\xcc\x80m kh\xc3\xb4ng co\xcc\x81 ai",
};
#define BENCH_NMESSAGES	(sizeof(bench_messages) / sizeof(bench_messages[0]))

#endif /* PAPIGW_BENCH_MESSAGES_H */
