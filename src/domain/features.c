/*
 * features.c: the features of a message for the learned classifier
 * (features.h).
 *
 * Every feature stands for a string ("w:tien", "c:_an_", "q:money+actor")
 * hashed into 1 << bits indices: words by their FNV-1a hash mixed with a
 * seed per group, character n-grams by their bytes read as a number and
 * multiplied by a large odd constant, the rest by FNV-1a from a seed per
 * group; the index is the top bits of the hash times another constant.
 * The string itself is only built when the vector keeps names (to
 * explain a decision).  A feature found twice is listed twice (the model
 * adds both), unless FEATURES_O_BINARY asks for each to count once.
 * The groups:
 *
 *   words	every folded word; numbers by their shape ("#3" for three
 *		digits) except one or two digits, kept as typed ("1", "2":
 *		menu answers); for a common English word of the domain, the
 *		folded Vietnamese words it translates ("police": "cong",
 *		"an"), so that English messages share what the training
 *		learnt from the far more numerous Vietnamese ones;
 *   bigrams	every pair of folded words, and the first word after "^";
 *   chars	character n-grams (cmin..cmax bytes) of the folded text with
 *		a space at each word boundary and digits read as '0': they
 *		absorb typos, dropped letters, missing marks and Telex
 *		leftovers;
 *   keys	the diacritics key of every word typed with marks;
 *   lexicon	what the keyword router found: its decision, kind and flags,
 *		the weight of the matched phrases per category and
 *		sub-category, and each matched phrase;
 *   cues	a money amount ("5tr", "500.000", "vài triệu", "$50"), a
 *		money word or gift ("phong bì", "tiền trà"), a demand verb
 *		("đòi", "bắt", "phải lo"), an official ("cán bộ", "công an",
 *		"cô giáo", "quản lý chợ"), a condition ("thì", "mới", "để"),
 *		no receipt ("không biên lai"), fear of reporting ("trù
 *		dập", "ẩn danh"), an impostor ("xưng là", "giả danh"),
 *		people without public power ("giang hồ", a debt), thanks, a
 *		request, advertising, the sender ("tôi"), codes and links to
 *		click, a phone number; every pair of those present (an
 *		official and an amount...), and some that must be close (a
 *		demand followed by an amount; an amount followed by a
 *		condition: "2 triệu mới làm"; an official near a gift);
 *   shape	the length in words (buckets), a link, marks, Telex residue,
 *		invalid UTF-8, a phone number, a question mark, a notice's
 *		header ("[QC]", "VNeID: ..."), and the share of the words that
 *		are common English words (buckets).
 *
 * Each group is scaled to the length of its weight (FEATURES_O_GROUPNORM):
 * a long message does not drown the cues in its n-grams.
 *
 * The word lists below are grammar and common vocabulary, written folded
 * (no marks, đ as d): they are matched against the folded words, up to
 * three words long.  They are built once, on first use, into a small
 * table shared by every thread; after that the extraction only reads
 * them, and any number of threads may extract at once, each into its own
 * vector.
 */
#include <endian.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/features.h"

#define CUE_WORDS_MAX	3	/* words in one cue phrase */
#define CUE_BITS	11
#define CUE_TABLE	(1 << CUE_BITS)	/* slots of the cue table */
#define CUE_WINDOW	4	/* words between a demand and an amount */

/* Seeds of the groups' hashes, and of the kinds of feature in a group. */
#define SEED_WORD	0x9e3779b9u
#define SEED_BIGRAM	0x7f4a7c15u
#define SEED_CHAR	0x85ebca6bu
#define SEED_KEY	0xc2b2ae35u
#define SEED_LEXICON	0x27d4eb2fu
#define SEED_CUE	0x165667b1u
#define SEED_SHAPE	0xd3a2646cu

/* Cue classes, as bits. */
#define CUE_UNIT	0x0001	/* a unit of money after a number */
#define CUE_NUMERAL	0x0002	/* a number in words */
#define CUE_GIFT	0x0004	/* money, an envelope, a gift */
#define CUE_DEMAND	0x0008	/* asking, demanding, paying */
#define CUE_ACTOR	0x0010	/* someone with public power */
#define CUE_COND	0x0020	/* a condition: "thì", "mới" */
#define CUE_NEG		0x0040	/* a negation */
#define CUE_RECEIPT	0x0080	/* a receipt */
#define CUE_FEAR	0x0100	/* fear of reporting, anonymity */
#define CUE_ENGLISH	0x0200	/* a common English word */
#define CUE_PERSON	0x0400	/* a relative or an acquaintance */
#define CUE_FAKE	0x0800	/* an impostor, a scam */
#define CUE_PRIVATE	0x1000	/* people without public power, debts */
#define CUE_THANKS	0x2000	/* thanks */
#define CUE_REQUEST	0x4000	/* asking the ward for something */
#define CUE_MONEY	0x8000	/* an amount (found in context) */
#define CUE_ADVERT	0x10000	/* selling, prizes, loans, betting */
#define CUE_SELF	0x20000	/* the sender: "tôi", "nhà tôi", "my" */
#define CUE_PHISH	0x40000	/* codes, accounts, links to click */
#define NEAR_WINDOW	4	/* words apart for "near" cues */

/* Cues that mean more when close together: "q:actor~gift". */
static const struct {
	const char	*name;
	unsigned	 a, b;
} near_list[] = {
	{ "actor~gift", CUE_ACTOR, CUE_GIFT },
	{ "actor~money", CUE_ACTOR, CUE_MONEY },
	{ "actor~demand", CUE_ACTOR, CUE_DEMAND },
	{ "demand~gift", CUE_DEMAND, CUE_GIFT },
	{ "fake~actor", CUE_FAKE, CUE_ACTOR },
	{ "private~money", CUE_PRIVATE, CUE_MONEY | CUE_GIFT },
	{ "neg~gift", CUE_NEG, CUE_GIFT },
	{ "thanks~actor", CUE_THANKS, CUE_ACTOR },
	{ "person~actor", CUE_PERSON, CUE_ACTOR },
};
#define NNEAR		(sizeof(near_list) / sizeof(near_list[0]))

/* The cues found anywhere in a message, in the order of do_cues(). */
static const char *const cue_names[] = {
	"money", "gift", "demand", "actor", "cond", "noreceipt", "fear",
	"person", "fake", "private", "thanks", "request", "advert", "self",
	"phish", "phone"
};
#define NCUE_NAMES	(sizeof(cue_names) / sizeof(cue_names[0]))

/* Their hashes, and their pairs' ("money+actor"), made by cue_init(). */
static uint32_t		 cue_hash[NCUE_NAMES];
static uint32_t		 pair_hash[NCUE_NAMES][NCUE_NAMES];
static uint32_t		 near_hash[NNEAR];
static uint32_t		 near_any;	/* every cue of near_list[] */

static const struct {
	const char	*phrase;	/* folded words, one space apart */
	unsigned	 cues;
} cue_list[] = {
	/* Units of money after a number: "5tr", "2 xị", "500k". */
	{ "k", CUE_UNIT }, { "tr", CUE_UNIT }, { "trieu", CUE_UNIT },
	{ "cu", CUE_UNIT }, { "xi", CUE_UNIT }, { "chai", CUE_UNIT },
	{ "lit", CUE_UNIT }, { "nghin", CUE_UNIT }, { "ngan", CUE_UNIT },
	{ "dong", CUE_UNIT }, { "d", CUE_UNIT }, { "vnd", CUE_UNIT },
	{ "usd", CUE_UNIT }, { "do", CUE_UNIT }, { "ty", CUE_UNIT },
	{ "ti", CUE_UNIT }, { "tram", CUE_UNIT | CUE_NUMERAL },
	{ "dollars", CUE_UNIT }, { "dollar", CUE_UNIT },
	{ "million", CUE_UNIT }, { "thousand", CUE_UNIT },
	{ "vnđ", CUE_UNIT }, { "xu", CUE_UNIT },
	/* Numbers in words: "năm triệu", "vài chục triệu". */
	{ "mot", CUE_NUMERAL }, { "hai", CUE_NUMERAL }, { "ba", CUE_NUMERAL },
	{ "bon", CUE_NUMERAL }, { "nam", CUE_NUMERAL }, { "lam", CUE_NUMERAL },
	{ "sau", CUE_NUMERAL }, { "bay", CUE_NUMERAL }, { "tam", CUE_NUMERAL },
	{ "chin", CUE_NUMERAL }, { "muoi", CUE_NUMERAL },
	{ "chuc", CUE_NUMERAL }, { "vai", CUE_NUMERAL }, { "may", CUE_NUMERAL },
	{ "nua", CUE_NUMERAL }, { "dam", CUE_NUMERAL }, { "vai chuc",
	    CUE_NUMERAL }, { "may chuc", CUE_NUMERAL }, { "few", CUE_NUMERAL },
	{ "hundred", CUE_NUMERAL }, { "several", CUE_NUMERAL },
	/* Money words and gifts. */
	{ "tien", CUE_GIFT }, { "phong bi", CUE_GIFT }, { "bao thu", CUE_GIFT },
	{ "qua", CUE_GIFT }, { "lai qua", CUE_GIFT }, { "ca phe", CUE_GIFT },
	{ "cafe", CUE_GIFT }, { "cf", CUE_GIFT }, { "tien tra", CUE_GIFT },
	{ "tien nuoc", CUE_GIFT }, { "tien cafe", CUE_GIFT },
	{ "boi duong", CUE_GIFT }, { "boi tron", CUE_GIFT },
	{ "hoa hong", CUE_GIFT }, { "lot tay", CUE_GIFT }, { "phi", CUE_GIFT },
	{ "chi phi", CUE_GIFT }, { "tien xang", CUE_GIFT },
	{ "uong nuoc", CUE_GIFT }, { "nhau", CUE_GIFT },
	{ "cam on", CUE_GIFT }, { "money", CUE_GIFT }, { "cash", CUE_GIFT },
	{ "envelope", CUE_GIFT }, { "gift", CUE_GIFT }, { "gifts", CUE_GIFT },
	{ "fee", CUE_GIFT }, { "fees", CUE_GIFT }, { "tip", CUE_GIFT },
	{ "bribe", CUE_GIFT }, { "tea money", CUE_GIFT },
	{ "coffee money", CUE_GIFT }, { "extra", CUE_GIFT },
	/* Asking and paying. */
	{ "doi", CUE_DEMAND }, { "bat", CUE_DEMAND }, { "yeu cau", CUE_DEMAND },
	{ "phai", CUE_DEMAND }, { "xin", CUE_DEMAND }, { "lo", CUE_DEMAND },
	{ "chi", CUE_DEMAND }, { "bieu", CUE_DEMAND }, { "gui", CUE_DEMAND },
	{ "dua", CUE_DEMAND }, { "nop", CUE_DEMAND }, { "lay", CUE_DEMAND },
	{ "thu", CUE_DEMAND }, { "voi", CUE_DEMAND }, { "an", CUE_DEMAND },
	{ "ep", CUE_DEMAND }, { "doi them", CUE_DEMAND },
	{ "chi them", CUE_DEMAND }, { "thu them", CUE_DEMAND },
	{ "ung ho", CUE_DEMAND }, { "ask", CUE_DEMAND },
	{ "asked", CUE_DEMAND }, { "asks", CUE_DEMAND },
	{ "demand", CUE_DEMAND }, { "demanded", CUE_DEMAND },
	{ "pay", CUE_DEMAND }, { "paid", CUE_DEMAND }, { "charge", CUE_DEMAND },
	{ "charged", CUE_DEMAND }, { "give", CUE_DEMAND },
	{ "wanted", CUE_DEMAND }, { "collect", CUE_DEMAND },
	{ "collected", CUE_DEMAND },
	/* People with public power. */
	{ "can bo", CUE_ACTOR }, { "cb", CUE_ACTOR }, { "cong an", CUE_ACTOR },
	{ "csgt", CUE_ACTOR }, { "cskv", CUE_ACTOR },
	{ "ca phuong", CUE_ACTOR },
	{ "phuong", CUE_ACTOR }, { "ubnd", CUE_ACTOR }, { "uy ban", CUE_ACTOR },
	{ "to truong", CUE_ACTOR }, { "to pho", CUE_ACTOR },
	{ "truong khu pho", CUE_ACTOR }, { "khu pho truong", CUE_ACTOR },
	{ "quan ly cho", CUE_ACTOR }, { "ql cho", CUE_ACTOR },
	{ "bql", CUE_ACTOR }, { "ban quan ly", CUE_ACTOR },
	{ "trat tu", CUE_ACTOR }, { "trat tu do thi", CUE_ACTOR },
	{ "dan phong", CUE_ACTOR }, { "thanh tra", CUE_ACTOR },
	{ "giao vien", CUE_ACTOR }, { "gv", CUE_ACTOR },
	{ "co giao", CUE_ACTOR },
	{ "thay giao", CUE_ACTOR }, { "co chu nhiem", CUE_ACTOR },
	{ "hieu truong", CUE_ACTOR }, { "hieu pho", CUE_ACTOR },
	{ "bac si", CUE_ACTOR }, { "bs", CUE_ACTOR }, { "y ta", CUE_ACTOR },
	{ "dieu duong", CUE_ACTOR }, { "nhan vien", CUE_ACTOR },
	{ "nv", CUE_ACTOR }, { "dien luc", CUE_ACTOR },
	{ "cap nuoc", CUE_ACTOR },
	{ "thu rac", CUE_ACTOR }, { "xe rac", CUE_ACTOR },
	{ "chu tich", CUE_ACTOR }, { "dia chinh", CUE_ACTOR },
	{ "tu phap", CUE_ACTOR }, { "mot cua", CUE_ACTOR },
	{ "quan", CUE_ACTOR }, { "tram y te", CUE_ACTOR },
	{ "benh vien", CUE_ACTOR }, { "truong", CUE_ACTOR },
	{ "police", CUE_ACTOR }, { "policeman", CUE_ACTOR },
	{ "officer", CUE_ACTOR }, { "officers", CUE_ACTOR },
	{ "official", CUE_ACTOR }, { "officials", CUE_ACTOR },
	{ "staff", CUE_ACTOR }, { "teacher", CUE_ACTOR },
	{ "teachers", CUE_ACTOR }, { "principal", CUE_ACTOR },
	{ "doctor", CUE_ACTOR }, { "nurse", CUE_ACTOR },
	{ "inspector", CUE_ACTOR }, { "ward", CUE_ACTOR },
	{ "clerk", CUE_ACTOR },
	{ "collectors", CUE_ACTOR }, { "guard", CUE_ACTOR },
	/* Conditions. */
	{ "thi", CUE_COND }, { "moi", CUE_COND }, { "de", CUE_COND },
	{ "moi duoc", CUE_COND }, { "moi lam", CUE_COND },
	{ "moi cho", CUE_COND }, { "thi moi", CUE_COND }, { "neu", CUE_COND },
	{ "neu muon", CUE_COND }, { "muon nhanh", CUE_COND },
	{ "if", CUE_COND }, { "otherwise", CUE_COND }, { "unless", CUE_COND },
	{ "or else", CUE_COND }, { "faster", CUE_COND },
	/* Negations and receipts. */
	{ "khong", CUE_NEG }, { "ko", CUE_NEG }, { "k", CUE_NEG | CUE_UNIT },
	{ "kg", CUE_NEG }, { "khg", CUE_NEG }, { "kh", CUE_NEG },
	{ "hong", CUE_NEG }, { "hok", CUE_NEG }, { "chang", CUE_NEG },
	{ "chua", CUE_NEG }, { "no", CUE_NEG }, { "without", CUE_NEG },
	{ "not", CUE_NEG }, { "never", CUE_NEG }, { "ko co", CUE_NEG },
	{ "khong co", CUE_NEG }, { "khong he", CUE_NEG },
	{ "bien lai", CUE_RECEIPT }, { "hoa don", CUE_RECEIPT },
	{ "phieu thu", CUE_RECEIPT }, { "receipt", CUE_RECEIPT },
	{ "receipts", CUE_RECEIPT }, { "invoice", CUE_RECEIPT },
	{ "bien nhan", CUE_RECEIPT }, { "chung tu", CUE_RECEIPT },
	/* Fear of reporting and anonymity. */
	{ "tru dap", CUE_FEAR }, { "tra thu", CUE_FEAR },
	{ "an danh", CUE_FEAR }, { "giau ten", CUE_FEAR },
	{ "lo ten", CUE_FEAR }, { "bi lo", CUE_FEAR }, { "lien luy", CUE_FEAR },
	{ "bao ve", CUE_FEAR }, { "ai doc", CUE_FEAR }, { "ai xem", CUE_FEAR },
	{ "to giac", CUE_FEAR }, { "so bi", CUE_FEAR },
	{ "anonymous", CUE_FEAR }, { "anonymously", CUE_FEAR },
	{ "retaliation", CUE_FEAR }, { "revenge", CUE_FEAR },
	{ "whistleblower", CUE_FEAR },
	/* Relatives and acquaintances. */
	{ "nguoi nha", CUE_PERSON }, { "chau", CUE_PERSON },
	{ "con chau", CUE_PERSON }, { "ho hang", CUE_PERSON },
	{ "nguoi quen", CUE_PERSON }, { "vo", CUE_PERSON },
	{ "em ruot", CUE_PERSON }, { "con gai", CUE_PERSON },
	{ "con trai", CUE_PERSON }, { "anh ruot", CUE_PERSON },
	{ "relative", CUE_PERSON }, { "relatives", CUE_PERSON },
	{ "nephew", CUE_PERSON }, { "niece", CUE_PERSON },
	{ "cousin", CUE_PERSON }, { "wife", CUE_PERSON },
	{ "son", CUE_PERSON }, { "daughter", CUE_PERSON },
	/* Impostors and scams: money taken without public power. */
	{ "xung", CUE_FAKE }, { "xung la", CUE_FAKE }, { "tu xung", CUE_FAKE },
	{ "gia danh", CUE_FAKE }, { "mao danh", CUE_FAKE },
	{ "gia mao", CUE_FAKE }, { "gia lam", CUE_FAKE }, { "gia", CUE_FAKE },
	{ "lua dao", CUE_FAKE }, { "lua", CUE_FAKE }, { "fake", CUE_FAKE },
	{ "pretend", CUE_FAKE }, { "pretending", CUE_FAKE },
	{ "claims", CUE_FAKE }, { "claimed", CUE_FAKE },
	{ "claiming", CUE_FAKE }, { "impersonating", CUE_FAKE },
	{ "scam", CUE_FAKE }, { "scammer", CUE_FAKE },
	{ "scammers", CUE_FAKE }, { "fraud", CUE_FAKE },
	{ "giang ho", CUE_PRIVATE }, { "con do", CUE_PRIVATE },
	{ "xa hoi den", CUE_PRIVATE }, { "dan anh", CUE_PRIVATE },
	{ "doi no", CUE_PRIVATE }, { "tin dung den", CUE_PRIVATE },
	{ "cho vay", CUE_PRIVATE }, { "vay", CUE_PRIVATE },
	{ "khong phai can bo", CUE_PRIVATE }, { "ko phai can bo",
	    CUE_PRIVATE }, { "thugs", CUE_PRIVATE }, { "gang", CUE_PRIVATE },
	{ "debt", CUE_PRIVATE }, { "loan", CUE_PRIVATE },
	{ "not officials", CUE_PRIVATE }, { "landlord", CUE_PRIVATE },
	{ "chu nha", CUE_PRIVATE }, { "chu tro", CUE_PRIVATE },
	/* Thanks, and asking for something. */
	{ "cam on", CUE_THANKS }, { "camon", CUE_THANKS },
	{ "biet on", CUE_THANKS }, { "thank", CUE_THANKS },
	{ "thanks", CUE_THANKS }, { "tks", CUE_THANKS }, { "thx", CUE_THANKS },
	{ "xin", CUE_REQUEST }, { "de nghi", CUE_REQUEST },
	{ "nho", CUE_REQUEST }, { "mong", CUE_REQUEST },
	{ "can", CUE_REQUEST }, { "giup", CUE_REQUEST },
	{ "kiem tra", CUE_REQUEST }, { "xu ly", CUE_REQUEST },
	{ "please", CUE_REQUEST }, { "request", CUE_REQUEST },
	{ "but", CUE_REQUEST }, { "nhung", CUE_REQUEST },
	{ "tuy nhien", CUE_REQUEST },
	/* Selling, prizes, loans, betting. */
	{ "gia re", CUE_ADVERT }, { "gia tot", CUE_ADVERT },
	{ "gia cao", CUE_ADVERT }, { "lien he", CUE_ADVERT },
	{ "lh", CUE_ADVERT }, { "goi ngay", CUE_ADVERT },
	{ "dang ky", CUE_ADVERT }, { "khuyen mai", CUE_ADVERT },
	{ "km", CUE_ADVERT }, { "giam", CUE_ADVERT }, { "sale", CUE_ADVERT },
	{ "uu dai", CUE_ADVERT }, { "mien phi", CUE_ADVERT },
	{ "free", CUE_ADVERT }, { "thu mua", CUE_ADVERT },
	{ "cho thue", CUE_ADVERT }, { "tuyen", CUE_ADVERT },
	{ "thanh ly", CUE_ADVERT }, { "dat hang", CUE_ADVERT },
	{ "giao hang", CUE_ADVERT }, { "ship", CUE_ADVERT },
	{ "inbox", CUE_ADVERT }, { "zalo", CUE_ADVERT },
	{ "lai suat", CUE_ADVERT }, { "lai thap", CUE_ADVERT },
	{ "giai ngan", CUE_ADVERT }, { "nha cai", CUE_ADVERT },
	{ "ca cuoc", CUE_ADVERT }, { "cuoc", CUE_ADVERT },
	{ "no hu", CUE_ADVERT }, { "xo so", CUE_ADVERT },
	{ "jackpot", CUE_ADVERT }, { "trung thuong", CUE_ADVERT },
	{ "qua tang", CUE_ADVERT }, { "tang", CUE_ADVERT },
	{ "soan", CUE_ADVERT }, { "hotline", CUE_ADVERT },
	{ "bao hanh", CUE_ADVERT }, { "co mat", CUE_ADVERT },
	{ "tan noi", CUE_ADVERT }, { "tan nha", CUE_ADVERT },
	{ "off", CUE_ADVERT }, { "discount", CUE_ADVERT },
	{ "call now", CUE_ADVERT }, { "win", CUE_ADVERT },
	{ "prize", CUE_ADVERT }, { "offer", CUE_ADVERT },
	/* The sender speaking of themself. */
	{ "toi", CUE_SELF }, { "tui", CUE_SELF }, { "em", CUE_SELF },
	{ "minh", CUE_SELF }, { "chung toi", CUE_SELF },
	{ "nha toi", CUE_SELF }, { "gia dinh toi", CUE_SELF },
	{ "con toi", CUE_SELF }, { "i", CUE_SELF }, { "my", CUE_SELF },
	{ "we", CUE_SELF }, { "our", CUE_SELF }, { "me", CUE_SELF },
	/* Codes, accounts, links to click. */
	{ "otp", CUE_PHISH }, { "ma xac thuc", CUE_PHISH },
	{ "ma", CUE_PHISH }, { "xac minh", CUE_PHISH },
	{ "xac thuc", CUE_PHISH }, { "cap nhat", CUE_PHISH },
	{ "bi khoa", CUE_PHISH }, { "dong bang", CUE_PHISH },
	{ "truy cap", CUE_PHISH }, { "dang nhap", CUE_PHISH },
	{ "bam vao", CUE_PHISH }, { "nhan vao", CUE_PHISH },
	{ "link", CUE_PHISH }, { "click", CUE_PHISH },
	{ "verify", CUE_PHISH }, { "suspended", CUE_PHISH },
	{ "chuyen khoan", CUE_PHISH }, { "so du", CUE_PHISH },
	{ "nhan phim", CUE_PHISH }, { "quy khach", CUE_PHISH },
	{ "cua ban", CUE_PHISH }, { "your", CUE_PHISH },
};

/*
 * English words glossed in folded Vietnamese: an English message also
 * gets the word features of the Vietnamese words, so that what the
 * training learnt from the (far more numerous) Vietnamese messages
 * applies to it.
 */
static const struct {
	const char	*en;
	const char	*vi;
} gloss[] = {
	{ "police", "cong an" }, { "policeman", "cong an" },
	{ "cop", "cong an" }, { "cops", "cong an" },
	{ "officer", "can bo" }, { "officers", "can bo" },
	{ "official", "can bo" }, { "officials", "can bo" },
	{ "staff", "nhan vien" }, { "ward", "phuong" },
	{ "committee", "uy ban" }, { "chairman", "chu tich" },
	{ "bribe", "hoi lo" }, { "bribes", "hoi lo" },
	{ "bribery", "hoi lo" }, { "corruption", "tham nhung" },
	{ "corrupt", "tham nhung" }, { "money", "tien" }, { "cash", "tien" },
	{ "envelope", "phong bi" }, { "gift", "qua" }, { "gifts", "qua" },
	{ "receipt", "bien lai" }, { "fee", "phi" }, { "fees", "phi" },
	{ "fine", "phat" }, { "paid", "tra" }, { "pay", "tra" },
	{ "extra", "them" }, { "asked", "doi" }, { "demand", "doi" },
	{ "demanded", "doi" }, { "kickback", "hoa hong" },
	{ "kickbacks", "hoa hong" }, { "relative", "nguoi nha" },
	{ "relatives", "nguoi nha" }, { "nephew", "chau" },
	{ "niece", "chau" }, { "hired", "tuyen" }, { "job", "viec" },
	{ "teacher", "giao vien" }, { "teachers", "giao vien" },
	{ "school", "truong" }, { "class", "lop" }, { "pupils", "hoc sinh" },
	{ "students", "hoc sinh" }, { "kindergarten", "mau giao" },
	{ "tuition", "hoc phi" }, { "doctor", "bac si" },
	{ "nurse", "y ta" }, { "hospital", "benh vien" },
	{ "clinic", "tram y te" }, { "health", "y te" },
	{ "vaccine", "tiem" }, { "vaccination", "tiem" },
	{ "dengue", "sot xuat huyet" }, { "mosquitoes", "muoi" },
	{ "food", "thuc pham" }, { "insurance", "bao hiem" },
	{ "road", "duong" }, { "street", "duong" }, { "alley", "hem" },
	{ "pothole", "o ga" }, { "potholes", "o ga" }, { "flood", "ngap" },
	{ "flooding", "ngap" }, { "flooded", "ngap" }, { "drain", "cong" },
	{ "drains", "cong" }, { "sewer", "cong" },
	{ "streetlight", "den duong" }, { "light", "den" },
	{ "lights", "den" }, { "power", "dien" }, { "electricity", "dien" },
	{ "outage", "cup dien" }, { "blackout", "cup dien" },
	{ "water", "nuoc" }, { "garbage", "rac" }, { "rubbish", "rac" },
	{ "trash", "rac" }, { "tree", "cay" }, { "pavement", "via he" },
	{ "sidewalk", "via he" }, { "bridge", "cau" },
	{ "park", "cong vien" }, { "noise", "on" }, { "noisy", "on" },
	{ "loud", "on" }, { "smoke", "khoi" }, { "dust", "bui" },
	{ "smell", "mui hoi" }, { "stink", "hoi" }, { "pollution", "o nhiem" },
	{ "polluted", "o nhiem" }, { "canal", "kenh" },
	{ "chemical", "hoa chat" }, { "chemicals", "hoa chat" },
	{ "factory", "xuong" }, { "workshop", "xuong" },
	{ "theft", "trom" }, { "thief", "trom" }, { "thieves", "trom" },
	{ "stolen", "trom" }, { "stole", "trom" }, { "robbed", "cuop" },
	{ "robbery", "cuop" }, { "fight", "danh nhau" },
	{ "fighting", "danh nhau" }, { "drugs", "ma tuy" },
	{ "gambling", "co bac" }, { "scam", "lua dao" },
	{ "scammer", "lua dao" }, { "fraud", "lua dao" }, { "fake", "gia" },
	{ "dog", "cho" }, { "dogs", "cho" }, { "drunk", "say xin" },
	{ "racing", "dua xe" }, { "permit", "giay phep" },
	{ "construction", "xay dung" }, { "certificate", "giay chung nhan" },
	{ "registration", "dang ky" }, { "register", "dang ky" },
	{ "residence", "cu tru" }, { "birth", "khai sinh" },
	{ "marriage", "ket hon" }, { "death", "khai tu" },
	{ "certified", "chung thuc" }, { "certify", "chung thuc" },
	{ "notarized", "cong chung" }, { "copy", "ban sao" },
	{ "copies", "ban sao" }, { "land", "dat" }, { "queue", "xep hang" },
	{ "paperwork", "giay to" }, { "documents", "giay to" },
	{ "budget", "ngan sach" }, { "spending", "chi tieu" },
	{ "poor", "ngheo" }, { "list", "danh sach" },
	{ "published", "cong khai" }, { "information", "thong tin" },
	{ "planning", "quy hoach" }, { "compensation", "den bu" },
	{ "meeting", "hop" }, { "meetings", "hop" }, { "election", "bau cu" },
	{ "vote", "bau" }, { "contribution", "dong gop" },
	{ "contributions", "dong gop" }, { "donate", "dong gop" },
	{ "donation", "ung ho" }, { "fund", "quy" },
	{ "complaint", "khieu nai" }, { "complained", "khieu nai" },
	{ "denounce", "to cao" }, { "answer", "tra loi" },
	{ "reply", "tra loi" }, { "ignored", "khong tra loi" },
	{ "mediation", "hoa giai" }, { "dispute", "tranh chap" },
	{ "neighbour", "hang xom" }, { "neighbor", "hang xom" },
	{ "lawyer", "luat su" }, { "legal", "phap ly" },
	{ "online", "truc tuyen" }, { "portal", "cong dich vu cong" },
	{ "account", "tai khoan" }, { "password", "mat khau" },
	{ "internet", "mang" }, { "wifi", "wifi" },
	{ "anonymous", "an danh" }, { "retaliation", "tru dap" },
	{ "revenge", "tra thu" }, { "report", "phan anh" },
	{ "thank", "cam on" }, { "thanks", "cam on" },
	{ "hello", "xin chao" }, { "hi", "chao" },
};

/*
 * Common English words, for the share of a message written in English.
 * Words that are also common folded Vietnamese ("a" for "ạ", "can" for
 * "cần", "so" for "số", "day" for "đây", "it" for "ít", "to", "the",
 * "me", "may") are left out.
 */
static const char *const english[] = {
	"about", "after", "again", "all", "also", "am", "and", "any", "are",
	"as", "asked", "at", "back", "because", "been", "before", "but", "by",
	"call", "could", "did", "does", "every", "for", "from", "get", "good",
	"got", "had", "has", "have", "help", "her", "here", "hello", "his",
	"how", "i", "if", "into", "is", "just", "know", "last", "like", "live",
	"many", "morning", "much", "my", "near", "need", "never", "night",
	"not", "now", "of", "only", "or", "our", "out", "people", "please",
	"report", "said", "she", "should", "some", "still", "street", "thank",
	"thanks", "that", "their", "them", "there", "they", "this", "today",
	"too", "under", "very", "want", "was", "we", "week", "were", "what",
	"when", "where", "which", "who", "why", "will", "with", "without",
	"would", "year", "yes", "you", "your", "building", "neighbour",
	"neighbor", "alley", "house", "landlord", "money", "pay", "police",
	"ward", "office",
};

struct cue_slot {
	uint32_t	 cues;
	uint8_t		 nwords;
	int16_t		 gloss;		/* index in gloss[], or -1 */
};

/*
 * The phrases' hashes apart from the rest of their slots: most look-ups
 * find no phrase and read only these, 8 KB, which stay in the cache.
 */
static uint32_t		 cue_keys[CUE_TABLE];	/* hash, 0: empty */
static struct cue_slot	 cue_table[CUE_TABLE];

/*
 * A bit for every phrase of the table (its hash and its number of words,
 * mixed otherwise than for the slot), in 8 KB: a look-up whose bit is
 * clear finds nothing without probing the table.  Most words are no cue,
 * and whether the slot probed is empty is a coin toss to the processor.
 */
#define CUE_FILTER_BITS	16
static uint64_t	 cue_filter[(1 << CUE_FILTER_BITS) / 64];
static pthread_once_t	 cue_once = PTHREAD_ONCE_INIT;

static const char *const group_names[FEATURES_NGROUPS] = {
	"words", "bigrams", "chars", "keys", "lexicon", "cues", "shape"
};

/*
 * ===================================================================
 * Hashing and the cue table
 * ===================================================================
 */

#define FNV_OFFSET	2166136261u

static inline uint32_t
fnv(uint32_t h, const char *s, size_t n)
{
	while (n-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/* fnv() of the string s, without a strlen() first. */
static inline uint32_t
fnv_str(uint32_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static inline uint32_t
fnv_byte(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

/* Mixes the bits of h so that its low bits depend on all of them. */
static inline uint32_t
mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* The bit of cue_filter[] of a phrase of hash h (not 0) and nwords. */
static inline uint32_t
cue_bit(uint32_t h, unsigned nwords)
{
	return ((h ^ nwords * 0x85ebca6bu) * 0xc2b2ae35u) >>
	    (32 - CUE_FILTER_BITS);
}

static void
cue_put(uint32_t h, unsigned nwords, unsigned cues)
{
	size_t	 i = (h * 0x9e3779b1u) >> (32 - CUE_BITS);
	uint32_t b;

	if (h == 0)
		h = 1;
	b = cue_bit(h, nwords);
	cue_filter[b / 64] |= (uint64_t)1 << (b % 64);
	while (cue_keys[i] != 0 && (cue_keys[i] != h ||
	    cue_table[i].nwords != nwords))
		i = (i + 1) & (CUE_TABLE - 1);
	if (cue_keys[i] == 0)
		cue_table[i].gloss = -1;
	cue_keys[i] = h;
	cue_table[i].nwords = (uint8_t)nwords;
	cue_table[i].cues |= cues;
}

static const struct cue_slot *
cue_get(uint32_t h, unsigned nwords)
{
	size_t	 i = (h * 0x9e3779b1u) >> (32 - CUE_BITS);
	uint32_t b;

	if (h == 0)
		h = 1;
	b = cue_bit(h, nwords);
	if (!(cue_filter[b / 64] >> (b % 64) & 1))
		return NULL;
	while (cue_keys[i] != 0) {
		if (cue_keys[i] == h && cue_table[i].nwords == nwords)
			return &cue_table[i];
		i = (i + 1) & (CUE_TABLE - 1);
	}
	return NULL;
}

/* Builds the cue table; the lists hold fewer phrases than half its slots. */
static void
cue_init(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(cue_list) / sizeof(cue_list[0]); i++) {
		const char	*s = cue_list[i].phrase;
		uint32_t	 h = 2166136261u;
		unsigned	 nwords = 1;

		for (; *s != '\0'; s++) {
			if (*s == ' ')
				nwords++;
			h = fnv_byte(h, (unsigned char)*s);
		}
		cue_put(h, nwords, cue_list[i].cues);
	}
	for (i = 0; i < sizeof(english) / sizeof(english[0]); i++)
		cue_put(fnv(2166136261u, english[i], strlen(english[i])), 1,
		    CUE_ENGLISH);
	for (i = 0; i < NCUE_NAMES; i++) {
		size_t	j;

		cue_hash[i] = fnv(SEED_CUE, cue_names[i], strlen(cue_names[i]));
		for (j = i + 1; j < NCUE_NAMES; j++)
			pair_hash[i][j] = fnv(fnv_byte(cue_hash[i], '+'),
			    cue_names[j], strlen(cue_names[j]));
	}
	for (i = 0; i < NNEAR; i++) {
		near_hash[i] = fnv(SEED_CUE, near_list[i].name,
		    strlen(near_list[i].name));
		near_any |= near_list[i].a | near_list[i].b;
	}
	for (i = 0; i < sizeof(gloss) / sizeof(gloss[0]); i++) {
		uint32_t h = fnv(2166136261u, gloss[i].en, strlen(gloss[i].en));
		size_t	 k = (h * 0x9e3779b1u) >> (32 - CUE_BITS);

		cue_put(h, 1, 0);
		while (cue_keys[k] != (h == 0 ? 1 : h) ||
		    cue_table[k].nwords != 1)
			k = (k + 1) & (CUE_TABLE - 1);
		cue_table[k].gloss = (int16_t)i;
	}
}

/*
 * ===================================================================
 * Configuration
 * ===================================================================
 */

/*
 * Fills c with the settings chosen by leave-one-writer-out validation on
 * data/router/train (tools/router-train.c): 1 << 16 indices, every group,
 * 4-grams, repeats counted, each group scaled to its weight.
 */
void
features_conf_default(struct features_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->version = FEATURES_VERSION;
	c->bits = 16;
	c->groups = (1u << FEATURES_NGROUPS) - 1;
	c->cmin = 4;
	c->cmax = 4;
	c->opts = FEATURES_O_GROUPNORM;
	c->weight[FEATURES_WORDS] = 1.0f;
	c->weight[FEATURES_BIGRAMS] = 1.0f;
	c->weight[FEATURES_CHARS] = 1.0f;
	c->weight[FEATURES_KEYS] = 0.5f;
	c->weight[FEATURES_LEXICON] = 0.3f;
	c->weight[FEATURES_CUES] = 0.5f;
	c->weight[FEATURES_SHAPE] = 0.5f;
}

/* The name of group g ("words", "chars"...), or "?" for no group. */
const char *
features_group_name(enum features_group g)
{
	if ((unsigned)g >= FEATURES_NGROUPS)
		return "?";
	return group_names[g];
}

/*
 * Writes c as one line of text (no newline) into buf, NUL-terminated, in
 * the form features_conf_parse() reads.  Returns the length it needed,
 * as snprintf() does.
 */
size_t
features_conf_format(const struct features_conf *c, char *buf, size_t bufsz)
{
	char	 groups[128] = "", weights[128] = "";
	size_t	 gl = 0, wl = 0;
	int	 g, n;

	for (g = 0; g < FEATURES_NGROUPS; g++) {
		if (!(c->groups & (1u << g)))
			continue;
		n = snprintf(groups + gl, sizeof(groups) - gl, "%s%s",
		    gl > 0 ? "," : "", group_names[g]);
		if (n > 0 && (size_t)n < sizeof(groups) - gl)
			gl += (size_t)n;
		n = snprintf(weights + wl, sizeof(weights) - wl, "%s%g",
		    wl > 0 ? "," : "", (double)c->weight[g]);
		if (n > 0 && (size_t)n < sizeof(weights) - wl)
			wl += (size_t)n;
	}
	n = snprintf(buf, bufsz, "version=%u bits=%u groups=%s weights=%s "
	    "chars=%u-%u binary=%d norm=%s wordchars=%d", c->version, c->bits,
	    gl > 0 ? groups : "-", wl > 0 ? weights : "-", c->cmin, c->cmax,
	    (c->opts & FEATURES_O_BINARY) != 0,
	    (c->opts & FEATURES_O_GROUPNORM) ? "group" :
	    (c->opts & FEATURES_O_L2) ? "l2" : "none",
	    (c->opts & FEATURES_O_WORDCHARS) != 0);
	return n < 0 ? 0 : (size_t)n;
}

static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Parses "a,b,c" into names of groups; returns the bits, or -1. */
static long
parse_groups(const char *s)
{
	char	 buf[128], *p, *tok, *save = NULL;
	long	 bits = 0;
	int	 g;

	if (strcmp(s, "-") == 0)
		return 0;
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		for (g = 0; g < FEATURES_NGROUPS; g++)
			if (strcmp(tok, group_names[g]) == 0)
				break;
		if (g == FEATURES_NGROUPS || (bits & (1L << g)))
			return -1;
		bits |= 1L << g;
	}
	return bits;
}

/* Parses the weights of the groups in c->groups, in order. */
static int
parse_weights(struct features_conf *c, const char *s)
{
	char	*end;
	double	 w;
	int	 g;

	if (strcmp(s, "-") == 0)
		return c->groups == 0 ? 0 : -1;
	for (g = 0; g < FEATURES_NGROUPS; g++) {
		if (!(c->groups & (1u << g)))
			continue;
		w = strtod(s, &end);
		if (end == s || !(w >= 0 && w <= 100))
			return -1;
		c->weight[g] = (float)w;
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		s = end;
	}
	return *s == '\0' ? 0 : -1;
}

/* The keys of the feature settings, in their order. */
static const char *const conf_keys[] = { "version", "bits", "groups",
    "weights", "chars", "binary", "norm", "wordchars" };
#define NCONF_KEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))

/*
 * Reads the value of key k (conf_keys[], after the version) into c.
 * Returns 0, or -1 when it is not a value of that key.
 */
static int
conf_value(struct features_conf *c, unsigned k, const char *val)
{
	long		groups;
	unsigned	v;

	switch (k) {
	case 1:
		return parse_uint(val, FEATURES_BITS_MIN, FEATURES_BITS_MAX,
		    &c->bits);
	case 2:
		if ((groups = parse_groups(val)) == -1)
			return -1;
		c->groups = (unsigned)groups;
		return 0;
	case 3:
		return parse_weights(c, val);
	case 4:
		return sscanf(val, "%u-%u", &c->cmin, &c->cmax) != 2 ||
		    c->cmin < 1 || c->cmin > c->cmax ||
		    c->cmax > FEATURES_NGRAM_MAX ? -1 : 0;
	case 5:
	case 7:
		if (parse_uint(val, 0, 1, &v) == -1)
			return -1;
		if (v)
			c->opts |= k == 5 ? FEATURES_O_BINARY :
			    FEATURES_O_WORDCHARS;
		return 0;
	case 6:
		if (strcmp(val, "group") == 0)
			c->opts |= FEATURES_O_GROUPNORM;
		else if (strcmp(val, "l2") == 0)
			c->opts |= FEATURES_O_L2;
		else if (strcmp(val, "none") != 0)
			return -1;
		return 0;
	}
	return -1;
}

/*
 * Parses a line written by features_conf_format() into c.  Every key must
 * be there, once, in that order, and the version must be this code's.
 * Returns 0, or -1 with a message in err.
 */
int
features_conf_parse(struct features_conf *c, const char *s, char *err,
    size_t errsz)
{
	char		 buf[FEATURES_CONF_MAX], *p, *tok, *val, *save = NULL;
	unsigned	 k = 0;

	memset(c, 0, sizeof(*c));
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errsz, "feature settings too long");
		return -1;
	}
	strcpy(buf, s);
	for (p = buf; (tok = strtok_r(p, " ", &save)) != NULL; p = NULL, k++) {
		if (k == NCONF_KEYS || (val = strchr(tok, '=')) == NULL) {
			snprintf(err, errsz, "unexpected \"%s\" in the feature "
			    "settings", tok);
			return -1;
		}
		*val++ = '\0';
		if (strcmp(tok, conf_keys[k]) != 0) {
			snprintf(err, errsz, "feature setting \"%s\" where "
			    "\"%s\" was expected", tok, conf_keys[k]);
			return -1;
		}
		if (k == 0 && (parse_uint(val, 0, 1000000, &c->version) == -1 ||
		    c->version != FEATURES_VERSION)) {
			snprintf(err, errsz, "features version %s, but this "
			    "program extracts version %d: retrain the model",
			    val, FEATURES_VERSION);
			return -1;
		}
		if (k > 0 && conf_value(c, k, val) == -1) {
			snprintf(err, errsz, "bad feature setting %s=%s", tok,
			    val);
			return -1;
		}
	}
	if (k != NCONF_KEYS) {
		snprintf(err, errsz, "feature setting \"%s\" missing",
		    conf_keys[k]);
		return -1;
	}
	return 0;
}

/*
 * ===================================================================
 * Vectors
 * ===================================================================
 */

/*
 * Returns a new, empty vector (about 90 KB; with names, 80 KB more), or
 * NULL when memory is short.  The caller frees it with
 * features_vec_free().  A vector is reused from message to message.
 */
struct features_vec *
features_vec_new(int names)
{
	struct features_vec	*v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	if (names) {
		v->names = malloc(FEATURES_NAMES_MAX);
		v->nameoff = calloc(FEATURES_MAX, sizeof(*v->nameoff));
		if (v->names == NULL || v->nameoff == NULL) {
			features_vec_free(v);
			return NULL;
		}
	}
	return v;
}

/* Frees v.  NULL is a no-op. */
void
features_vec_free(struct features_vec *v)
{
	if (v == NULL)
		return;
	free(v->names);
	free(v->nameoff);
	free(v);
}

/*
 * The name of feature i of v ("w:tien", "q:money+actor"), owned by v and
 * valid until its next extraction; "" when v keeps no names or i is out
 * of range.
 */
const char *
features_name(const struct features_vec *v, size_t i)
{
	if (v->names == NULL || i >= v->n)
		return "";
	return v->names + v->nameoff[i];
}

/*
 * ===================================================================
 * Extraction
 * ===================================================================
 */

struct ctx {
	const struct features_conf *c;
	const struct text	*t;
	struct features_vec	*v;
	unsigned		 shift;		/* 32 - bits */
	int			 slow;		/* repeats' table or names */
	float			 ss[FEATURES_NGROUPS];	/* sums of squares */
	uint32_t		 wh[TEXT_TOKENS_MAX];	/* words' hashes */
	uint32_t		 cues[TEXT_TOKENS_MAX];	/* starting here */
	uint8_t			 cuelen[TEXT_TOKENS_MAX]; /* longest, words */
	int16_t			 gloss[TEXT_TOKENS_MAX];	/* or -1 */
	/* N-grams whose value, 1, normalise() writes (chars_of()). */
	size_t			 cbeg, cend;
	int			 phone;		/* phone_number(), or -1 */
};

/* Appends a name made of up to two parts to v's names, for feature i. */
static void
add_name(struct features_vec *v, size_t i, const char *prefix,
    const char *s, size_t n, const char *s2, size_t n2)
{
	size_t	 pl = strlen(prefix), need = pl + n + (s2 ? 1 + n2 : 0) + 1;
	char	*p;

	if (v->nameslen + need > FEATURES_NAMES_MAX) {
		v->nameoff[i] = 0;	/* the empty name below */
		return;
	}
	v->nameoff[i] = (uint32_t)v->nameslen;
	p = v->names + v->nameslen;
	memcpy(p, prefix, pl);
	memcpy(p + pl, s, n);
	if (s2 != NULL) {
		p[pl + n] = ' ';
		memcpy(p + pl + n + 1, s2, n2);
	}
	p[need - 1] = '\0';
	for (; *p != '\0'; p++)
		if (*p == ' ' && prefix[0] == 'c')
			*p = '_';
	v->nameslen += need;
}

/* The index of hash h: its top bits after a multiplication (Fibonacci). */
static inline uint32_t
slot(const struct ctx *cx, uint32_t h)
{
	return (h * 0x9e3779b1u) >> cx->shift;
}

/*
 * Adds value x to the feature of hash h in group g, the slow way: with
 * FEATURES_O_BINARY a table finds the repeats, which count once, and
 * the names are built when the vector keeps them.
 */
static void
add_slow(struct ctx *cx, enum features_group g, uint32_t idx, float x,
    const char *prefix, const char *s, size_t n, const char *s2, size_t n2)
{
	struct features_vec	*v = cx->v;
	uint32_t		 key = idx + 1;
	size_t			 i;

	if (cx->c->opts & FEATURES_O_BINARY) {
		v->flags |= FEATURES_F_TABLE;
		i = mix(key) & (FEATURES_MAX * 2 - 1);
		while (v->slots[i] != 0) {
			if (v->slots[i] == key) {
				if (v->group[v->where[i]] != g)
					v->val[v->where[i]] += x;
				return;
			}
			i = (i + 1) & (FEATURES_MAX * 2 - 1);
		}
		if (v->n == FEATURES_MAX) {
			v->flags |= FEATURES_F_TRUNCATED;
			return;
		}
		v->slots[i] = key;
		v->where[i] = (uint16_t)v->n;
	} else if (v->n == FEATURES_MAX) {
		v->flags |= FEATURES_F_TRUNCATED;
		return;
	}
	v->idx[v->n] = idx;
	v->val[v->n] = x;
	v->group[v->n] = (uint8_t)g;
	if (v->names != NULL)
		add_name(v, v->n, prefix, s, n, s2, n2);
	v->n++;
}

/*
 * Adds value x to the feature of hash h in group g; the arguments after
 * x name it, for vectors that keep names.  Without FEATURES_O_BINARY a
 * feature seen twice is simply listed twice (the model adds both).
 */
static inline void
add(struct ctx *cx, enum features_group g, uint32_t h, float x,
    const char *prefix, const char *s, size_t n, const char *s2, size_t n2)
{
	struct features_vec	*v = cx->v;

	if (cx->slow) {
		add_slow(cx, g, slot(cx, h), x, prefix, s, n, s2, n2);
		return;
	}
	if (v->n == FEATURES_MAX) {
		v->flags |= FEATURES_F_TRUNCATED;
		return;
	}
	v->idx[v->n] = slot(cx, h);
	v->val[v->n] = x;
	v->group[v->n] = (uint8_t)g;
	v->n++;
	cx->ss[g] += x * x;
}

/*
 * Adds the feature named by the concatenation of a, b and c (b and c may
 * be NULL) in group g, without building the name unless it is kept.
 */
static void
add_cat(struct ctx *cx, enum features_group g, uint32_t seed,
    const char *prefix, const char *a, const char *b, const char *c, float x)
{
	char		 name[128];
	uint32_t	 h = fnv_str(seed, a);

	if (b != NULL)
		h = fnv_str(h, b);
	if (c != NULL)
		h = fnv_str(h, c);
	if (cx->v->names == NULL) {
		/* The name's length matters only to add_slow(). */
		add(cx, g, h, x, prefix, a, cx->slow ? strlen(a) : 0, NULL,
		    0);
		return;
	}
	snprintf(name, sizeof(name), "%s%s%s", a, b != NULL ? b : "",
	    c != NULL ? c : "");
	add(cx, g, h, x, prefix, name, strlen(name), NULL, 0);
}

/* Adds the feature named by the string s in group g. */
static void
add_str(struct ctx *cx, enum features_group g, uint32_t seed,
    const char *prefix, const char *s, float x)
{
	add_cat(cx, g, seed, prefix, s, NULL, NULL, x);
}

static inline const char *
tok_fold(const struct text *t, size_t i)
{
	return t->fold + t->tokens[i].fold;
}

/*
 * The folded words' hashes, for the cue phrases: fnv() of each word from
 * FNV_OFFSET, which text_normalise() found (struct text_token hash).
 */
static void
hash_words(struct ctx *cx)
{
	const struct text	*t = cx->t;
	size_t			 i;

	for (i = 0; i < t->ntokens; i++)
		cx->wh[i] = t->tokens[i].hash;
}

/* The hash of a word feature, from the word's FNV-1a hash. */
static inline uint32_t
word_hash(uint32_t wh)
{
	return mix(wh ^ SEED_WORD);
}

/* The hash of a bigram feature, from its words' FNV-1a hashes. */
static inline uint32_t
bigram_hash(uint32_t a, uint32_t b)
{
	return mix(mix(a ^ SEED_BIGRAM) + b);
}

/* The words of an English word's gloss, and their bigrams. */
static void
add_gloss(struct ctx *cx, const char *vi)
{
	const char	*w = vi, *prev = NULL, *sp;
	size_t		 wl, pl = 0;
	uint32_t	 h, ph = 0;

	for (;;) {
		sp = strchr(w, ' ');
		wl = sp != NULL ? (size_t)(sp - w) : strlen(w);
		h = fnv(FNV_OFFSET, w, wl);
		add(cx, FEATURES_WORDS, word_hash(h), 1, "w:", w, wl, NULL, 0);
		if (prev != NULL && (cx->c->groups & (1u << FEATURES_BIGRAMS)))
			add(cx, FEATURES_BIGRAMS, bigram_hash(ph, h), 1, "b:",
			    prev, pl, w, wl);
		if (sp == NULL)
			break;
		prev = w;
		pl = wl;
		ph = h;
		w = sp + 1;
	}
}

/*
 * Words, numbers by shape ("#3": three digits) but for one or two digits,
 * and the Vietnamese words of the English words glossed.
 */
static void
do_words(struct ctx *cx)
{
	const struct text	*t = cx->t;
	size_t			 i;

	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];
		char		 shape[4];

		if ((tok->flags & TEXT_TOK_NUMBER) && tok->flen > 2) {
			shape[0] = '#';
			shape[1] = (char)('0' + (tok->flen > 9 ? 9 :
			    tok->flen));
			shape[2] = '\0';
			add(cx, FEATURES_WORDS, word_hash(fnv(FNV_OFFSET, shape,
			    2)), 1, "w:", shape, 2, NULL, 0);
		} else
			add(cx, FEATURES_WORDS, word_hash(cx->wh[i]), 1, "w:",
			    tok_fold(t, i), tok->flen, NULL, 0);
		if (cx->gloss[i] >= 0)
			add_gloss(cx, gloss[cx->gloss[i]].vi);
	}
}

static void
do_bigrams(struct ctx *cx)
{
	const struct text	*t = cx->t;
	size_t			 i;

	if (t->ntokens > 0)
		add(cx, FEATURES_BIGRAMS, bigram_hash(fnv(FNV_OFFSET, "^", 1),
		    cx->wh[0]), 1, "b:", "^", 1, tok_fold(t, 0),
		    t->tokens[0].flen);
	for (i = 1; i < t->ntokens; i++)
		add(cx, FEATURES_BIGRAMS, bigram_hash(cx->wh[i - 1],
		    cx->wh[i]), 1, "b:", tok_fold(t, i - 1),
		    t->tokens[i - 1].flen, tok_fold(t, i), t->tokens[i].flen);
}

/*
 * The hash of the l bytes (l <= 8) at p, of which 8 can be read: the
 * bytes as a number, times a large odd constant.
 */
static inline uint32_t
gram_hash(const char *p, size_t l)
{
	uint64_t	x;

	memcpy(&x, p, sizeof(x));
	x = le64toh(x);
	if (l < 8)
		x &= ((uint64_t)1 << (8 * l)) - 1;
	x = (x ^ ((uint64_t)l << 59)) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(x >> 32) ^ SEED_CHAR;
}

/*
 * The n-grams of one length l (at most 8) of buf[0..len) into v, without
 * names or the repeats' table: the common settings (cmin = cmax), where
 * the mask and the length's bits are the same for every n-gram.  The
 * same indices as gram_hash() and slot(), in the same order.
 */
static size_t
chars_fixed(const struct ctx *cx, const char *buf, size_t len, size_t l,
    uint32_t *idx)
{
	uint64_t	 mask = l < 8 ? ((uint64_t)1 << (8 * l)) - 1 : ~0ull;
	uint64_t	 lbits = (uint64_t)l << 59, x;
	unsigned	 shift = cx->shift;
	size_t		 i, n = 0;

	for (i = 0; i + l <= len; i++) {
		memcpy(&x, buf + i, sizeof(x));
		x = (le64toh(x) & mask) ^ lbits;
		idx[n++] = (((uint32_t)((x * 0x9e3779b97f4a7c15ull) >> 32) ^
		    SEED_CHAR) * 0x9e3779b1u) >> shift;
	}
	return n;
}

/*
 * The n-grams of buf[0..len), which starts and ends with a space and may
 * be read 8 bytes past its end.  They are most of a message's features:
 * without names or the repeats' table they go straight into the vector.
 */
static void
chars_of(struct ctx *cx, const char *buf, size_t len)
{
	struct features_vec	*v = cx->v;
	size_t			 cmin = cx->c->cmin, cmax = cx->c->cmax;
	size_t			 i, l, n = v->n, start = v->n;

	if (len < cmin)
		return;
	if (cx->slow || n + (len - cmin + 1) * (cmax - cmin + 1) >
	    FEATURES_MAX) {
		for (i = 0; i + cmin <= len; i++)
			for (l = cmin; l <= cmax && i + l <= len; l++)
				add(cx, FEATURES_CHARS, gram_hash(buf + i, l),
				    1, "c:", buf + i, l, NULL, 0);
		return;
	}
	if (cmin == cmax)
		n += chars_fixed(cx, buf, len, cmin, v->idx + n);
	else
		for (i = 0; i + cmin <= len; i++)
			for (l = cmin; l <= cmax && i + l <= len; l++)
				v->idx[n++] = slot(cx, gram_hash(buf + i, l));
	/* Values of 1 normalise() writes scaled, when they follow on. */
	if (cx->cbeg == cx->cend)
		cx->cbeg = cx->cend = start;
	if (cx->cend == start)
		cx->cend = n;
	else
		for (i = start; i < n; i++)
			v->val[i] = 1;
	memset(v->group + start, FEATURES_CHARS, n - start);
	cx->ss[FEATURES_CHARS] += (float)(n - start);
	v->n = n;
}

/*
 * Copies s[0..n) to d with every digit made '0', eight bytes at a time:
 * a byte is a digit when it is ASCII and its low seven bits plus 0x50
 * reach 0x80 ('0' or more) but plus 0x46 do not (less than ':').
 */
static void
copy_zero_digits(char *d, const char *s, size_t n)
{
	const uint64_t	 ones = 0x0101010101010101ull;
	uint64_t	 w, x, m;
	size_t		 i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		x = w & 0x7f * ones;
		m = (x + 0x50 * ones) & ~(x + 0x46 * ones) & ~w & 0x80 * ones;
		m = (m >> 7) * 0xff;
		w = (w & ~m) | ('0' * ones & m);
		memcpy(d + i, &w, sizeof(w));
	}
	for (; i < n; i++)
		d[i] = (unsigned char)(s[i] - '0') < 10 ? '0' : s[i];
}

static void
do_chars(struct ctx *cx)
{
	const struct text	*t = cx->t;
	char			 buf[sizeof(t->fold) + 16];
	size_t			 i, n = 0, start;

	if (t->ntokens == 0)
		return;
	/* t->fold is the words one space apart (text.c's join_fold()). */
	buf[n++] = ' ';
	copy_zero_digits(buf + n, t->fold, t->foldlen);
	n += t->foldlen;
	buf[n++] = ' ';
	memset(buf + n, 0, 8);
	if (!(cx->c->opts & FEATURES_O_WORDCHARS)) {
		chars_of(cx, buf, n);
		return;
	}
	/* Each word with its two spaces. */
	for (start = 0, i = 1; i < n; i++)
		if (buf[i] == ' ') {
			chars_of(cx, buf + start, i + 1 - start);
			start = i;
		}
}

static void
do_keys(struct ctx *cx)
{
	const struct text	*t = cx->t;
	size_t			 i;

	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];

		if (!(tok->flags & TEXT_TOK_MARKED))
			continue;
		add(cx, FEATURES_KEYS, fnv(SEED_KEY, t->pool + tok->key,
		    tok->klen), 1, "k:", t->pool + tok->key, tok->klen, NULL,
		    0);
	}
}

/* Notes what a look-up of the l words from word i found (cs, or NULL). */
static void
cue_found(struct ctx *cx, size_t i, unsigned l, const struct cue_slot *cs)
{
	if (cs == NULL)
		return;
	if (l == 1)
		cx->gloss[i] = cs->gloss;
	if (cs->cues != 0) {
		cx->cues[i] |= cs->cues;
		cx->cuelen[i] = (uint8_t)l;
	}
}

/*
 * Finds the cue phrases starting at each word, of one, two and three
 * words.  Word j ends one of one word, one of two from word j - 1 and one
 * of three from word j - 2: both hashes that go on over its bytes are
 * found in one loop (how long a word is, the processor cannot guess),
 * and each start's look-ups still come in order of length.
 */
static void
find_cues(struct ctx *cx)
{
	const struct text	*t = cx->t;
	size_t			 j, k;
	uint32_t		 h2, h3, pair = 0;	/* words j - 2, j - 1 */

	_Static_assert(CUE_WORDS_MAX == 3, "find_cues() looks up 3 words");
	pthread_once(&cue_once, cue_init);
	for (j = 0; j < t->ntokens; j++) {
		const char	*s = tok_fold(t, j);
		size_t		 n = t->tokens[j].flen;

		cx->cues[j] = 0;
		cx->cuelen[j] = 0;
		cx->gloss[j] = -1;
		cue_found(cx, j, 1, cue_get(cx->wh[j], 1));
		if (j == 0)
			continue;
		h2 = fnv_byte(cx->wh[j - 1], ' ');
		h3 = fnv_byte(pair, ' ');
		for (k = 0; k < n; k++) {
			h2 = fnv_byte(h2, (unsigned char)s[k]);
			h3 = fnv_byte(h3, (unsigned char)s[k]);
		}
		cue_found(cx, j - 1, 2, cue_get(h2, 2));
		if (j >= 2)
			cue_found(cx, j - 2, 3, cue_get(h3, 3));
		pair = h2;
	}
}

/* Whether the norm text has a '$' next to a digit. */
static int
dollar_amount(const struct text *t)
{
	const char	*p = t->norm, *end = t->norm + t->normlen;

	while ((p = memchr(p, '$', (size_t)(end - p))) != NULL) {
		if ((p > t->norm && p[-1] >= '0' && p[-1] <= '9') ||
		    (p + 1 < end && p[1] >= '0' && p[1] <= '9'))
			return 1;
		p++;
	}
	return 0;
}

/*
 * Whether the message has a phone number: nine digits or more in a run of
 * numbers ("0903 771 552", "0908227419"), not an amount ("1.245.000").
 */
static int
phone_number(const struct text *t)
{
	size_t	i, digits = 0;

	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];

		if (!(tok->flags & TEXT_TOK_NUMBER) ||
		    memchr(tok_fold(t, i), '.', tok->flen) != NULL ||
		    memchr(tok_fold(t, i), ',', tok->flen) != NULL) {
			digits = 0;
			continue;
		}
		if (digits == 0 && tok_fold(t, i)[0] != '0' &&
		    tok_fold(t, i)[0] != '8' && tok_fold(t, i)[0] != '1')
			continue;
		digits += tok->flen;
		if (digits >= 9 && digits <= 12)
			return 1;
	}
	return 0;
}

/* phone_number() of the message, found once for the cues and the shape. */
static int
phone_of(struct ctx *cx)
{
	if (cx->phone == -1)
		cx->phone = phone_number(cx->t);
	return cx->phone;
}

/* Whether word i is a number of thousands written with separators. */
static int
grouped_number(const struct text *t, size_t i)
{
	const struct text_token *tok = &t->tokens[i];

	return (tok->flags & TEXT_TOK_NUMBER) && tok->flen >= 5 &&
	    (memchr(tok_fold(t, i), '.', tok->flen) != NULL ||
	    memchr(tok_fold(t, i), ',', tok->flen) != NULL);
}

/* Adds a cue, or a pair of cues, of precomputed hash h. */
static void
add_cue(struct ctx *cx, uint32_t h, const char *a, const char *b)
{
	char	name[64];

	if (cx->v->names != NULL && b != NULL) {
		snprintf(name, sizeof(name), "%s+%s", a, b);
		a = name;
	}
	add(cx, FEATURES_CUES, h, 1, "q:", a, cx->slow ? strlen(a) : 0, NULL,
	    0);
}

/* What the cues of a message add up to (do_cues()). */
struct cue_sum {
	uint8_t		money[TEXT_TOKENS_MAX];	/* an amount at that word */
	uint32_t	all;			/* every cue of the message */
	int		amount;			/* an amount anywhere */
	int		demand_amount;		/* a demand, then an amount */
	int		amount_cond;		/* an amount, then a condition */
	int		no_receipt;		/* "no receipt" */
};

/*
 * Marks the words that are amounts ("5tr", "500 nghìn", "năm triệu",
 * "vài chục triệu", "5.000.000", "$50"), gathers every cue, and sets
 * *english_share: the share of words that are English.
 */
static void
cue_amounts(struct ctx *cx, struct cue_sum *cs, float *english_share)
{
	const struct text	*t = cx->t;
	size_t			 i, j, nwords = 0, nenglish = 0;

	for (i = 0; i < t->ntokens; i++) {
		const struct text_token *tok = &t->tokens[i];

		cs->money[i] = 0;
		if (!(tok->flags & TEXT_TOK_NUMBER)) {
			nwords++;
			if (cx->cuelen[i] >= 1 && (cx->cues[i] & CUE_ENGLISH))
				nenglish++;
		}
		if (((tok->flags & TEXT_TOK_NUMBER) ||
		    (cx->cues[i] & CUE_NUMERAL)) && i + 1 < t->ntokens) {
			for (j = i + 1; j < t->ntokens && j <= i + 2; j++) {
				if ((cx->cues[j] & CUE_UNIT) &&
				    ((tok->flags & TEXT_TOK_NUMBER) ||
				    !(cx->cues[j] & CUE_NUMERAL) ||
				    j == i + 2))
					cs->money[i] = 1;
				if (!(cx->cues[j] & CUE_NUMERAL))
					break;
			}
		}
		if (grouped_number(t, i))
			cs->money[i] = 1;
		cs->amount |= cs->money[i];
		cs->all |= cx->cues[i];
	}
	if (dollar_amount(t))
		cs->amount = 1;
	*english_share = nwords > 0 ? (float)nenglish / (float)nwords : 0;
}

/* A demand, then an amount; an amount, then a condition; "no receipt". */
static void
cue_orders(const struct ctx *cx, struct cue_sum *cs)
{
	const struct text	*t = cx->t;
	size_t			 i, j;

	for (i = 0; i < t->ntokens; i++) {
		if (cx->cues[i] & CUE_DEMAND)
			for (j = i + 1; j < t->ntokens &&
			    j <= i + CUE_WINDOW + 1; j++)
				cs->demand_amount |= cs->money[j];
		if (cs->money[i])
			for (j = i + 1; j < t->ntokens && j <= i + 4; j++)
				cs->amount_cond |=
				    (cx->cues[j] & CUE_COND) != 0;
		if (cx->cues[i] & CUE_NEG)
			for (j = i + 1; j < t->ntokens && j <= i + 3; j++)
				cs->no_receipt |=
				    (cx->cues[j] & CUE_RECEIPT) != 0;
	}
}

/* Cues close together: each word against the next few. */
static void
cue_near(struct ctx *cx, const struct cue_sum *cs)
{
	const struct text	*t = cx->t;
	size_t			 i, j, k;

	for (i = 0; i < t->ntokens; i++) {
		uint32_t bi = cx->cues[i] | (cs->money[i] ? CUE_MONEY : 0);
		uint32_t bw = 0;

		/* Most words have no cue of near_list[]: no pair. */
		if ((bi & near_any) == 0)
			continue;
		for (j = i + 1; j < t->ntokens && j <= i + NEAR_WINDOW; j++)
			bw |= cx->cues[j] | (cs->money[j] ? CUE_MONEY : 0);
		if ((bw & near_any) == 0)
			continue;
		for (k = 0; k < NNEAR; k++)
			if (((bi & near_list[k].a) && (bw & near_list[k].b)) ||
			    ((bi & near_list[k].b) && (bw & near_list[k].a)))
				add_cue(cx, near_hash[k], near_list[k].name,
				    NULL);
	}
}

/* The message's cues, their pairs and the combinations that tell most. */
static void
cue_message(struct ctx *cx, const struct cue_sum *cs)
{
	const struct text	*t = cx->t;
	const uint32_t		 all = cs->all;
	const int		 on[NCUE_NAMES] = { cs->amount,
	    (all & CUE_GIFT) != 0, (all & CUE_DEMAND) != 0,
	    (all & CUE_ACTOR) != 0, (all & CUE_COND) != 0, cs->no_receipt,
	    (all & CUE_FEAR) != 0, (all & CUE_PERSON) != 0,
	    (all & CUE_FAKE) != 0, (all & CUE_PRIVATE) != 0,
	    (all & CUE_THANKS) != 0, (all & CUE_REQUEST) != 0,
	    (all & CUE_ADVERT) != 0, (all & CUE_SELF) != 0,
	    (all & CUE_PHISH) != 0, phone_of(cx) };
	size_t			 a, b, i;

	for (a = 0; a < NCUE_NAMES; a++) {
		if (!on[a])
			continue;
		add_cue(cx, cue_hash[a], cue_names[a], NULL);
		/* Pairs: an official and money, and so on. */
		for (b = a + 1; b < NCUE_NAMES; b++)
			if (on[b])
				add_cue(cx, pair_hash[a][b], cue_names[a],
				    cue_names[b]);
	}
	if (cs->amount && (all & CUE_ACTOR) && (all & CUE_DEMAND))
		add_str(cx, FEATURES_CUES, SEED_CUE, "q:",
		    "money+actor+demand", 1);
	if (cs->amount && (all & CUE_ACTOR) && (all & CUE_COND))
		add_str(cx, FEATURES_CUES, SEED_CUE, "q:", "money+actor+cond",
		    1);
	if (cs->demand_amount)
		add_str(cx, FEATURES_CUES, SEED_CUE, "q:", "demand>money", 1);
	if (cs->amount_cond)
		add_str(cx, FEATURES_CUES, SEED_CUE, "q:", "money>cond", 1);
	/* Thanks first: a thank-you, unless it asks more. */
	for (i = 0; i < t->ntokens && i < 3; i++)
		if (cx->cues[i] & CUE_THANKS) {
			add_str(cx, FEATURES_CUES, SEED_CUE, "q:",
			    (all & CUE_REQUEST) ? "^thanks+request" :
			    "^thanks", 1);
			break;
		}
}

/*
 * The cue features: amounts, cues, cues close together, their pairs and
 * order; sets *english_share whether or not the cue group is on.
 */
static void
do_cues(struct ctx *cx, float *english_share)
{
	struct cue_sum	cs;

	cs.all = 0;
	cs.amount = cs.demand_amount = cs.amount_cond = cs.no_receipt = 0;
	cue_amounts(cx, &cs, english_share);
	cue_orders(cx, &cs);
	if (!(cx->c->groups & (1u << FEATURES_CUES)))
		return;
	cue_near(cx, &cs);
	cue_message(cx, &cs);
}

/* "/0" to "/63": sub-category numbers, without printf. */
static const char *
sub_suffix(int sub, char *buf)
{
	buf[0] = '/';
	if (sub >= 10) {
		buf[1] = (char)('0' + sub / 10 % 10);
		buf[2] = (char)('0' + sub % 10);
		buf[3] = '\0';
	} else {
		buf[1] = (char)('0' + sub);
		buf[2] = '\0';
	}
	return buf;
}

static void
do_lexicon(struct ctx *cx, const struct router *r,
    const struct route_result *res)
{
	static const char *const spam[] = { "spam=0", "spam=1", "spam=2",
	    "spam=3" };
	double		 catw[CONF_CATEGORIES_MAX];
	char		 sub[CONF_ID_MAX + 2];
	size_t		 i, ncats = router_ncategories(r);

	add_cat(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "cat=",
	    res->category_id, NULL, 1);
	add_cat(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "kind=",
	    route_kind_name(res->kind), NULL, 1);
	if (res->sub_id[0] != '\0') {
		size_t	l = strnlen(res->sub_id, CONF_ID_MAX);

		sub[0] = '/';
		memcpy(sub + 1, res->sub_id, l);
		sub[l + 1] = '\0';
		add_cat(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "sub=",
		    res->category_id, sub, 1);
	}
	if (res->flags & ROUTE_F_MONEY_DEMAND)
		add_str(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "demand", 1);
	if (res->flags & ROUTE_F_OVERRIDE)
		add_str(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "override",
		    1);
	if (res->flags & ROUTE_F_TRIAGE)
		add_str(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "triage", 1);
	if (res->flags & ROUTE_F_SHORTCODE)
		add_str(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "code", 1);
	if (res->spam_score > 0)
		add_str(cx, FEATURES_LEXICON, SEED_LEXICON, "r:",
		    spam[res->spam_score >= 3 ? 3 : (int)res->spam_score], 1);
	for (i = 0; i < res->nsecondary; i++)
		if (res->secondary[i] >= 0 && (size_t)res->secondary[i] < ncats)
			add_cat(cx, FEATURES_LEXICON, SEED_LEXICON, "r:",
			    "second=", router_category_id(r,
			    (size_t)res->secondary[i]), NULL, 1);
	/* The weight of the matched phrases per category; each phrase. */
	memset(catw, 0, ncats * sizeof(catw[0]));
	for (i = 0; i < res->nterms; i++) {
		const struct route_term *tm = &res->terms[i];

		add_str(cx, FEATURES_LEXICON, SEED_LEXICON, "r:p=",
		    tm->phrase, 1);
		if (tm->category < 0 || (size_t)tm->category >= ncats)
			continue;
		catw[tm->category] += tm->weight;
		if (tm->sub >= 0 && tm->sub < 100)
			add_cat(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "w=",
			    router_category_id(r, (size_t)tm->category),
			    sub_suffix(tm->sub, sub), (float)tm->weight);
	}
	for (i = 0; i < ncats; i++) {
		if (catw[i] <= 0)
			continue;
		add_cat(cx, FEATURES_LEXICON, SEED_LEXICON, "r:", "w=",
		    router_category_id(r, i), NULL,
		    (float)(catw[i] > 3 ? 3 : catw[i]));
	}
}

/*
 * Whether the message starts like a notice from an organisation: "[QC]",
 * "VNeID: ...", "Cong an Q10 thong bao: ..." (a colon after a few words,
 * not in a time such as 9:30).
 */
static int
header(const struct text *t)
{
	size_t	i, words = 0;

	for (i = 0; i < t->normlen && t->norm[i] == ' '; i++)
		;
	if (i < t->normlen && t->norm[i] == '[')
		return 1;
	for (; i < t->normlen && i < 48; i++) {
		words += t->norm[i] == ' ';	/* no branch to guess */
		if (t->norm[i] == ':' && words <= 5 && i > 0 &&
		    !(t->norm[i - 1] >= '0' && t->norm[i - 1] <= '9'))
			return 1;
	}
	return 0;
}

static void
do_shape(struct ctx *cx, float english_share)
{
	static const unsigned	 bounds[] = { 0, 1, 2, 3, 5, 8, 12, 20, 35,
	    60 };
	static const char *const lens[] = { "len=0", "len=1", "len=2",
	    "len=3", "len=4", "len=5", "len=6", "len=7", "len=8", "len=9" };
	const struct text	*t = cx->t;
	size_t			 b = 0;

	for (b = 0; b + 1 < sizeof(bounds) / sizeof(bounds[0]) &&
	    t->ntokens > bounds[b]; b++)
		;
	add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", lens[b], 1);
	if (t->flags & TEXT_F_LINK)
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "link", 1);
	if (t->flags & TEXT_F_DIACRITICS)
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "marks", 1);
	if (t->flags & TEXT_F_TELEX)
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "telex", 1);
	if (t->flags & TEXT_F_INVALID_UTF8)
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "invalid", 1);
	if (t->first_upper)
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "upper", 1);
	if (phone_of(cx))
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "phone", 1);
	if (memchr(t->norm, '?', t->normlen) != NULL)
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "question", 1);
	if (header(t))
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:", "header", 1);
	if (english_share > 0)
		add_str(cx, FEATURES_SHAPE, SEED_SHAPE, "s:",
		    english_share < 0.15f ? "en=low" : english_share < 0.4f ?
		    "en=some" : "en=high", 1);
}

/* Scales the values: per group or whole vector to unit length. */
static void
normalise(struct ctx *cx)
{
	const struct features_conf *c = cx->c;
	struct features_vec	*v = cx->v;
	float			 scale[FEATURES_NGROUPS], all = 0;
	size_t			 i;
	int			 g;

	if (cx->slow) {
		/* Repeats were merged: the sums are the merged values'. */
		memset(cx->ss, 0, sizeof(cx->ss));
		for (i = 0; i < v->n; i++) {
			if ((c->opts & FEATURES_O_BINARY) && v->group[i] !=
			    FEATURES_LEXICON && v->val[i] > 1)
				v->val[i] = 1;
			cx->ss[v->group[i]] += v->val[i] * v->val[i];
		}
	}
	for (g = 0; g < FEATURES_NGROUPS; g++) {
		if (c->opts & FEATURES_O_GROUPNORM)
			scale[g] = cx->ss[g] > 0 ? c->weight[g] /
			    sqrtf(cx->ss[g]) : 0;
		else
			scale[g] = c->weight[g];
		all += cx->ss[g] * scale[g] * scale[g];
	}
	if ((c->opts & FEATURES_O_L2) && all > 0)
		for (g = 0; g < FEATURES_NGROUPS; g++)
			scale[g] /= sqrtf(all);
	for (i = 0; i < cx->cbeg; i++)
		v->val[i] *= scale[v->group[i]];
	for (; i < cx->cend; i++)
		v->val[i] = scale[FEATURES_CHARS];	/* 1 * scale */
	for (; i < v->n; i++)
		v->val[i] *= scale[v->group[i]];
}

/*
 * Extracts the features of t into v (cleared first) by configuration c.
 * r and res, the keyword router and its result for t, may be NULL: the
 * lexicon group is then empty.  Never fails: what does not fit in
 * FEATURES_MAX features is dropped and flagged (FEATURES_F_TRUNCATED).
 */
void
features_extract(const struct features_conf *c, const struct text *t,
    const struct router *r, const struct route_result *res,
    struct features_vec *v)
{
	struct ctx	 cx;
	float		 english_share = 0;
	size_t		 i;

	/* Clear the slots used by the last message only. */
	for (i = 0; (v->flags & FEATURES_F_TABLE) && i < v->n; i++) {
		uint32_t	key = v->idx[i] + 1;
		size_t		s = mix(key) & (FEATURES_MAX * 2 - 1);

		while (v->slots[s] != 0) {
			v->slots[s] = 0;
			s = (s + 1) & (FEATURES_MAX * 2 - 1);
		}
	}
	v->n = 0;
	v->flags = 0;
	v->nameslen = 0;
	if (v->names != NULL)
		v->names[v->nameslen++] = '\0';	/* the empty name */
	cx.c = c;
	cx.t = t;
	cx.v = v;
	cx.shift = 32 - c->bits;
	cx.slow = (c->opts & FEATURES_O_BINARY) || v->names != NULL;
	cx.cbeg = cx.cend = 0;
	cx.phone = -1;
	memset(cx.ss, 0, sizeof(cx.ss));

	hash_words(&cx);
	find_cues(&cx);
	if (c->groups & (1u << FEATURES_WORDS))
		do_words(&cx);
	if (c->groups & (1u << FEATURES_BIGRAMS))
		do_bigrams(&cx);
	if (c->groups & (1u << FEATURES_CHARS))
		do_chars(&cx);
	if (c->groups & (1u << FEATURES_KEYS))
		do_keys(&cx);
	if (c->groups & ((1u << FEATURES_CUES) | (1u << FEATURES_SHAPE)))
		do_cues(&cx, &english_share);
	if ((c->groups & (1u << FEATURES_LEXICON)) && r != NULL && res != NULL)
		do_lexicon(&cx, r, res);
	if (c->groups & (1u << FEATURES_SHAPE))
		do_shape(&cx, english_share);
	normalise(&cx);
}
