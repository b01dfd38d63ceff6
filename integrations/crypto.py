"""Callback cryptography, pure functions (no I/O).

WeCom and DingTalk share one documented scheme (WeCom "加解密方案说明",
https://developer.work.weixin.qq.com/document/path/90968 and /91144; DingTalk "事件订阅 消息加解密",
https://open.dingtalk.com/document/orgapp/configure-event-subcription):
  AESKey = Base64_Decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC, IV = AESKey[:16],
  PKCS#7 padding to a multiple of 32 bytes;
  plaintext = random(16B) + msg_len(4B, network order) + msg + receiveid;
  signature = sha1(sort(token, timestamp, nonce, msg_encrypt)) in lowercase hex.
Feishu (https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case):
  key = SHA-256(Encrypt Key); encrypt = Base64(IV(16B) + AES-256-CBC(PKCS#7(event JSON)));
  X-Lark-Signature = sha256(timestamp + nonce + encrypt_key + raw body) in hex.
"""

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .errors import CallbackRejected


def _aes_cbc(key: bytes, iv: bytes, data: bytes, *, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    worker = cipher.encryptor() if encrypt else cipher.decryptor()
    return worker.update(data) + worker.finalize()


def _pad(data: bytes, block: int) -> bytes:
    amount = block - len(data) % block
    return data + bytes([amount]) * amount


def _unpad(data: bytes, block: int) -> bytes:
    amount = data[-1] if data else 0
    if not 1 <= amount <= block or data[-amount:] != bytes([amount]) * amount:
        raise ValueError("bad padding")
    return data[:-amount]


class BizMsgCrypt:
    """The WeCom / DingTalk scheme. `receive_id` is the corp id (WeCom self-built apps) or the
    app key / corp id (DingTalk, "OWNER_KEY"): a message for another receiver is refused."""

    def __init__(self, platform: str, *, token: str, encoding_aes_key: str, receive_id: str):
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must be 43 characters")
        self.platform = platform
        self.token = token
        self.key = base64.b64decode(encoding_aes_key + "=")
        self.receive_id = receive_id

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return hashlib.sha1("".join(sorted([self.token, timestamp, nonce, encrypt])).encode()).hexdigest()

    def check_signature(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        if not hmac.compare_digest(self.signature(timestamp, nonce, encrypt), signature or ""):
            raise CallbackRejected(self.platform, "signature mismatch")

    def decrypt(self, encrypt: str) -> str:
        try:
            plain = _unpad(_aes_cbc(self.key, self.key[:16], base64.b64decode(encrypt), encrypt=False), 32)
            (length,) = struct.unpack(">I", plain[16:20])
            message, receiver = plain[20:20 + length], plain[20 + length:]
            text = message.decode("utf-8")
        except (ValueError, struct.error, binascii.Error, UnicodeDecodeError) as exc:
            raise CallbackRejected(self.platform, f"cannot decrypt: {exc}") from exc
        if receiver.decode("utf-8", "replace") != self.receive_id:
            raise CallbackRejected(self.platform, "message is for another receiver")
        return text

    def encrypt(self, message: str) -> str:
        body = message.encode("utf-8")
        plain = os.urandom(16) + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        return base64.b64encode(_aes_cbc(self.key, self.key[:16], _pad(plain, 32), encrypt=True)).decode()


def feishu_decrypt(encrypt_key: str, encrypt: str) -> str:
    try:
        raw = base64.b64decode(encrypt)
        key = hashlib.sha256(encrypt_key.encode()).digest()
        return _unpad(_aes_cbc(key, raw[:16], raw[16:], encrypt=False), 16).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise CallbackRejected("feishu", f"cannot decrypt: {exc}") from exc


def feishu_signature(encrypt_key: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def hmac_sha256_base64(key: str, message: str) -> str:
    """The robots' signatures: base64(HMAC-SHA256(key, message))."""
    return base64.b64encode(hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()).decode()
