"""The baseline for bench/webhooks.py: a bare Flask endpoint answering 202, served with the same gunicorn config."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.post("/webhooks/<provider>/<company_id>")
def accept(provider: str, company_id: str):
    return jsonify({"status": "accepted"}), 202
