"""Clients for 企业微信 (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu/Lark).

A ground-floor app: it imports no other app of ours and knows nothing of users, courses or
reminders. Callers pass plain values (ids, texts, URLs) and get plain dataclasses back
(`integrations.entities`). See integrations/README.md for the documented facts behind every
constant, with their sources.
"""
