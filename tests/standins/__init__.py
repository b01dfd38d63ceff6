"""Loopback stand-ins for 企业微信, 钉钉 and 飞书: small threaded HTTP servers that implement the
documented endpoints, formats, error codes, paging and limits, with a controllable clock and a
record of every request. Tests point the clients' base-URL settings at them."""
