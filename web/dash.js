// dash.js: the dashboard's only script (served by papigwd, no library).
// Every data-refresh seconds while the page is visible, it asks for the
// page again with the header X-Papigw-Fragment: 1, gets the inside of
// <main> and puts it in place; a session that ended sends to the login.
"use strict";

(function () {
	var main = document.getElementById("main");
	var secs = parseInt(document.body.getAttribute("data-refresh"), 10);

	if (!main || !(secs > 0))
		return;

	function update() {
		if (document.hidden)
			return;
		fetch(window.location.pathname + window.location.search, {
			headers: { "X-Papigw-Fragment": "1" },
			credentials: "same-origin",
			cache: "no-store"
		}).then(function (resp) {
			if (resp.status === 401) {
				window.location.assign("/login");
				return null;
			}
			return resp.ok ? resp.text() : null;
		}).then(function (html) {
			// Not while someone is choosing filters in the page.
			if (html !== null && !main.contains(document.activeElement))
				main.innerHTML = html;
		}).catch(function () {
			// The daemon restarts: try again next time.
		});
	}

	window.setInterval(update, secs * 1000);
	document.addEventListener("visibilitychange", update);
})();
