// Inside the IM's webview the company sign-in starts by itself; the button is there without JS.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
