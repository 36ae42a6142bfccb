/*
 * dash_html.c: the dashboard's page frame (head, navigation, footer),
 * its words in Vietnamese and English, escaping, times, and the charts,
 * drawn here as SVG so that the pages need no script library and no
 * inline style (the content security policy allows neither).
 *
 * The words: every string of the pages is written in English and looked
 * up in tr[] for Vietnamese.  (The daemon's message catalogue, when
 * there is one, can take these over; a small table keeps the dashboard
 * whole meanwhile.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/strbuf.h"
#include "base/util.h"
#include "conf/config.h"
#include "chan/http.h"
#include "daemon/dash_priv.h"

#define CHART_W		720	/* SVG units */
#define BAR_H		22
#define COL_H		160

/* English, Vietnamese. */
static const char *const tr[][2] = {
	{ "Overview", "Tổng quan" },
	{ "Cases", "Hồ sơ" },
	{ "Case", "Hồ sơ" },
	{ "Channels", "Kênh" },
	{ "Deadlines", "Hạn xử lý" },
	{ "Report", "Báo cáo" },
	{ "Log out", "Đăng xuất" },
	{ "Log in", "Đăng nhập" },
	{ "User name", "Tên người dùng" },
	{ "Password", "Mật khẩu" },
	{ "Wrong user name or password.", "Sai tên người dùng hoặc mật khẩu." },
	{ "Too many failed logins: wait a few minutes.",
	    "Đăng nhập sai quá nhiều lần: xin chờ vài phút." },
	{ "Log in with your account on this server.",
	    "Đăng nhập bằng tài khoản của bạn trên máy chủ này." },
	{ "Not found", "Không tìm thấy" },
	{ "There is no such page.", "Không có trang này." },
	{ "Updated", "Cập nhật" },
	{ "Open cases", "Hồ sơ đang mở" },
	{ "Overdue", "Quá hạn" },
	{ "Oldest waiting", "Chờ lâu nhất" },
	{ "none", "không có" },
	{ "Answered on time this quarter", "Trả lời đúng hạn quý này" },
	{ "SMS parts sent, 30 days", "Số tin SMS đã gửi, 30 ngày" },
	{ "New cases per day, 30 days", "Hồ sơ mới mỗi ngày, 30 ngày" },
	{ "Open cases by category", "Hồ sơ đang mở theo lĩnh vực" },
	{ "Category", "Lĩnh vực" },
	{ "Dimension", "Chỉ số" },
	{ "State", "Trạng thái" },
	{ "Open", "Đang mở" },
	{ "Received", "Đã nhận" },
	{ "Assigned", "Đã giao" },
	{ "In progress", "Đang xử lý" },
	{ "Resolved", "Đã giải quyết" },
	{ "Confirmed", "Đã xác nhận" },
	{ "Reopened", "Mở lại" },
	{ "Reference", "Mã hồ sơ" },
	{ "Created", "Ngày nhận" },
	{ "Deadline", "Hạn" },
	{ "Assignee", "Người xử lý" },
	{ "Resident", "Người dân" },
	{ "Number", "Số điện thoại" },
	{ "Message", "Tin nhắn" },
	{ "Any", "Tất cả" },
	{ "Only overdue", "Chỉ quá hạn" },
	{ "Only mine", "Chỉ của tôi" },
	{ "Show", "Xem" },
	{ "Older cases", "Hồ sơ cũ hơn" },
	{ "No case.", "Không có hồ sơ." },
	{ "Thread", "Trao đổi" },
	{ "History", "Lịch sử" },
	{ "Notes", "Ghi chú" },
	{ "in", "đến" },
	{ "out", "đi" },
	{ "Channel", "Kênh" },
	{ "Type", "Loại" },
	{ "Enabled", "Bật" },
	{ "Last message", "Tin cuối" },
	{ "Modem", "Modem" },
	{ "Signal", "Sóng" },
	{ "Network", "Mạng" },
	{ "Outbox", "Hộp thư đi" },
	{ "Last error", "Lỗi cuối" },
	{ "Health", "Tình trạng" },
	{ "All parts are up.", "Mọi bộ phận đều hoạt động." },
	{ "Channels are for administrators only.",
	    "Chỉ quản trị viên xem được các kênh." },
	{ "Falling due in the next working days",
	    "Đến hạn trong các ngày làm việc tới" },
	{ "Working days", "Ngày làm việc" },
	{ "Overdue cases", "Hồ sơ quá hạn" },
	{ "Quarter", "Quý" },
	{ "Report period", "Kỳ báo cáo" },
	{ "Report periods", "Các kỳ báo cáo" },
	{ "From", "Từ" },
	{ "To", "Đến" },
	{ "Download", "Tải về" },
	{ "From the daily sums: counts exact, times within 1 %",
	    "Theo số liệu cộng theo ngày: số lượng chính xác, thời gian sai "
	    "lệch không quá 1 %" },
	{ "Cases in the period", "Hồ sơ trong kỳ" },
	{ "Answered", "Đã trả lời" },
	{ "On time", "Đúng hạn" },
	{ "Median answer", "Trung vị thời gian trả lời" },
	{ "Satisfaction", "Mức hài lòng" },
	{ "Total", "Tổng" },
	{ "Source", "Nguồn" },
	{ "By source: the same cases as the total, by where they came in",
	    "Theo nguồn: cùng các hồ sơ của dòng tổng, theo nơi tiếp nhận" },
	{ "Cases that comment on an announcement",
	    "Hồ sơ góp ý về thông tin đã công khai" },
	{ "counted once above, in their category and as a source, not in "
	    "addition to the total.", "đã tính một lần ở trên, trong lĩnh "
	    "vực của hồ sơ và theo nguồn, không cộng thêm vào tổng." },
	{ "yes", "có" },
	{ "no", "không" },
	{ "days", "ngày" },
	{ "hours", "giờ" },
	{ "Signed in as", "Đăng nhập là" },
	{ "Figures of the categories you may see.",
	    "Số liệu của các lĩnh vực bạn được xem." },
	{ "The store cannot be read.", "Không đọc được dữ liệu." },
	{ "Not allowed.", "Không được phép." },
	{ "Dashboard", "Bảng điều khiển" },
};
#define NTR	(sizeof(tr) / sizeof(tr[0]))

/* en in dr's language: itself, or its Vietnamese. */
const char *
dash_tr(const struct dash_req *dr, const char *en)
{
	size_t	i;

	if (dr->lang == LANG_EN)
		return en;
	for (i = 0; i < NTR; i++)
		if (strcmp(tr[i][0], en) == 0)
			return tr[i][1];
	return en;
}

/* Appends s to sb, escaped for HTML text and attribute values. */
void
dash_esc(struct strbuf *sb, const char *s)
{
	const char	*p;

	if (s == NULL)
		return;
	for (p = s; *p != '\0'; p++)
		switch (*p) {
		case '<':
			strbuf_adds(sb, "&lt;");
			break;
		case '>':
			strbuf_adds(sb, "&gt;");
			break;
		case '&':
			strbuf_adds(sb, "&amp;");
			break;
		case '"':
			strbuf_adds(sb, "&quot;");
			break;
		case '\'':
			strbuf_adds(sb, "&#39;");
			break;
		default:
			strbuf_addc(sb, *p);
		}
}

/* Appends Unix time t as local "YYYY-MM-DD HH:MM", or "–" for 0. */
void
dash_time(struct strbuf *sb, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		buf[32];

	if (t == 0 || localtime_r(&tt, &tm) == NULL) {
		strbuf_adds(sb, "–");
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
	strbuf_printf(sb, "<time datetime=\"%lld\">%s</time>", (long long)t,
	    buf);
}

/* A category's name in dr's language, or its id. */
const char *
dash_category_name(const struct dash_req *dr, const char *id)
{
	const struct category	*c;

	if (id == NULL || (c = config_category(dr->conf, id)) == NULL)
		return id != NULL ? id : "";
	if (dr->lang == LANG_EN && c->name_en != NULL && c->name_en[0])
		return c->name_en;
	return c->name_vi;
}

/* A case state's name (received...) in dr's language. */
const char *
dash_state_name(const struct dash_req *dr, const char *state)
{
	static const char *const names[][2] = {
		{ "received", "Received" }, { "assigned", "Assigned" },
		{ "in_progress", "In progress" }, { "resolved", "Resolved" },
		{ "confirmed", "Confirmed" }, { "reopened", "Reopened" },
	};
	size_t	i;

	for (i = 0; state != NULL && i < sizeof(names) / sizeof(names[0]);
	    i++)
		if (strcmp(names[i][0], state) == 0)
			return dash_tr(dr, names[i][1]);
	return state != NULL ? state : "";
}

static void
nav_item(struct dash_req *dr, const char *href, const char *page,
    const char *current, const char *label)
{
	strbuf_printf(&dr->out, "<a href=\"%s\"%s>%s</a>", href,
	    strcmp(page, current) == 0 ? " class=\"current\"" : "",
	    dash_tr(dr, label));
}

/*
 * Begins a page called title (its nav entry page): the document's head,
 * the navigation, the opening <main>.  An update (dr->fragment) gets the
 * inside of <main> only.
 */
void
dash_head(struct dash_req *dr, const char *title, const char *page)
{
	struct strbuf	*sb = &dr->out;

	if (dr->fragment)
		return;
	strbuf_printf(sb, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">"
	    "<title>", dr->lang == LANG_EN ? "en" : "vi");
	dash_esc(sb, title);
	strbuf_adds(sb, " – ");
	dash_esc(sb, dr->lang == LANG_EN && dr->conf->ward_name_en[0] ?
	    dr->conf->ward_name_en : dr->conf->ward_name);
	strbuf_printf(sb, "</title><link rel=\"icon\" "
	    "href=\"/static/favicon.svg\"><link rel=\"stylesheet\" "
	    "href=\"/static/dash.css\"><script src=\"/static/dash.js\" "
	    "defer></script></head><body data-refresh=\"%d\">"
	    "<header><span class=\"ward\">", dr->conf->web_refresh);
	dash_esc(sb, dr->lang == LANG_EN && dr->conf->ward_name_en[0] ?
	    dr->conf->ward_name_en : dr->conf->ward_name);
	strbuf_adds(sb, "</span><nav>");
	nav_item(dr, "/", page, "overview", "Overview");
	nav_item(dr, "/cases", page, "cases", "Cases");
	nav_item(dr, "/deadlines", page, "deadlines", "Deadlines");
	if (dr->who.kind >= ROLE_ADMINISTRATOR)
		nav_item(dr, "/channels", page, "channels", "Channels");
	nav_item(dr, "/report", page, "report", "Report");
	strbuf_printf(sb, "</nav><span class=\"who\">%s <b id=\"user\">",
	    dash_tr(dr, "Signed in as"));
	dash_esc(sb, dr->who.user);
	strbuf_adds(sb, "</b> (");
	dash_esc(sb, dr->who.roles);
	strbuf_printf(sb, ") <a href=\"?lang=vi\" lang=\"vi\">VI</a> "
	    "<a href=\"?lang=en\" lang=\"en\">EN</a></span>"
	    "<form method=\"post\" action=\"/logout\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<button type=\"submit\" id=\"logout\">%s</button></form>"
	    "</header><main id=\"main\">", dr->csrf != NULL ? dr->csrf : "",
	    dash_tr(dr, "Log out"));
}

/* Ends a page: when it was made, the closing tags. */
void
dash_foot(struct dash_req *dr)
{
	struct strbuf	*sb = &dr->out;
	time_t		 now = time(NULL);
	struct tm	 tm;
	char		 buf[32];

	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	strbuf_printf(sb, "<p class=\"updated\">%s <span id=\"updated\">%s"
	    "</span></p>", dash_tr(dr, "Updated"), buf);
	if (!dr->fragment)
		strbuf_adds(sb, "</main></body></html>\n");
}

/* The login page, with error (or NULL) above the form. */
void
dash_login_page(struct dash_req *dr, const char *error)
{
	struct strbuf	*sb = &dr->out;

	strbuf_truncate(sb, 0);
	strbuf_printf(sb, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><title>%s – papigw</title>"
	    "<link rel=\"icon\" href=\"/static/favicon.svg\">"
	    "<link rel=\"stylesheet\" href=\"/static/dash.css\"></head>"
	    "<body class=\"login\"><main><h1>", dr->lang == LANG_EN ? "en" :
	    "vi", dash_tr(dr, "Log in"));
	dash_esc(sb, dr->lang == LANG_EN && dr->conf->ward_name_en[0] ?
	    dr->conf->ward_name_en : dr->conf->ward_name);
	strbuf_printf(sb, "</h1><p>%s</p>", dash_tr(dr, "Log in with your "
	    "account on this server."));
	if (error != NULL) {
		strbuf_adds(sb, "<p class=\"error\" id=\"error\">");
		dash_esc(sb, error);
		strbuf_adds(sb, "</p>");
	}
	strbuf_printf(sb, "<form method=\"post\" action=\"/login\">"
	    "<label>%s <input name=\"user\" id=\"user\" "
	    "autocomplete=\"username\" required></label>"
	    "<label>%s <input name=\"password\" id=\"password\" "
	    "type=\"password\" autocomplete=\"current-password\" required>"
	    "</label><button type=\"submit\" id=\"login\">%s</button></form>"
	    "<p><a href=\"/login?lang=vi\">Tiếng Việt</a> · "
	    "<a href=\"/login?lang=en\">English</a></p></main></body>"
	    "</html>\n", dash_tr(dr, "User name"), dash_tr(dr, "Password"),
	    dash_tr(dr, "Log in"));
}

static int64_t
max_of(const int64_t *v, size_t n)
{
	int64_t	m = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* A horizontal bar chart: one labelled bar per value. */
void
dash_bars(struct strbuf *sb, const char *const *labels,
    const int64_t *values, size_t n, const char *title)
{
	int64_t	m = max_of(values, n);
	size_t	i;
	int	w, x0 = 260;

	strbuf_printf(sb, "<svg class=\"chart bars\" viewBox=\"0 0 %d %zu\" "
	    "role=\"img\" aria-label=\"", CHART_W, n * BAR_H + 4);
	dash_esc(sb, title);
	strbuf_adds(sb, "\">");
	for (i = 0; i < n; i++) {
		w = m > 0 ? (int)(values[i] * (CHART_W - x0 - 60) / m) : 0;
		strbuf_printf(sb, "<g><title>");
		dash_esc(sb, labels[i]);
		strbuf_printf(sb, ": %lld</title><text x=\"%d\" y=\"%zu\" "
		    "class=\"label\" text-anchor=\"end\">", (long long)values[i],
		    x0 - 6, i * BAR_H + 15);
		dash_esc(sb, labels[i]);
		strbuf_printf(sb, "</text><rect class=\"bar\" x=\"%d\" "
		    "y=\"%zu\" width=\"%d\" height=\"%d\"/><text x=\"%d\" "
		    "y=\"%zu\" class=\"value\">%lld</text></g>", x0,
		    i * BAR_H + 3, w, BAR_H - 6, x0 + w + 4, i * BAR_H + 15,
		    (long long)values[i]);
	}
	strbuf_adds(sb, "</svg>");
}

/* A column chart over time: one column per value, labels under some. */
void
dash_columns(struct strbuf *sb, const char *const *labels,
    const int64_t *values, size_t n, const char *title)
{
	int64_t	m = max_of(values, n);
	size_t	i;
	int	cw, h, x;

	if (n == 0)
		return;
	cw = (CHART_W - 40) / (int)n;
	strbuf_printf(sb, "<svg class=\"chart columns\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"", CHART_W, COL_H + 36);
	dash_esc(sb, title);
	strbuf_printf(sb, "\"><text x=\"0\" y=\"12\" class=\"value\">%lld"
	    "</text><line class=\"axis\" x1=\"36\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\"/>", (long long)m, COL_H + 2, CHART_W, COL_H + 2);
	for (i = 0; i < n; i++) {
		h = m > 0 ? (int)(values[i] * (COL_H - 10) / m) : 0;
		x = 40 + (int)i * cw;
		strbuf_printf(sb, "<g><title>");
		dash_esc(sb, labels[i]);
		strbuf_printf(sb, ": %lld</title><rect class=\"bar\" x=\"%d\" "
		    "y=\"%d\" width=\"%d\" height=\"%d\"/></g>",
		    (long long)values[i], x, COL_H + 2 - h, cw - 2, h);
		if ((n - 1 - i) % 7 == 0) {	/* a week apart, today's too */
			strbuf_printf(sb, "<text x=\"%d\" y=\"%d\" "
			    "class=\"label\">", x, COL_H + 20);
			dash_esc(sb, labels[i]);
			strbuf_adds(sb, "</text>");
		}
	}
	strbuf_adds(sb, "</svg>");
}
