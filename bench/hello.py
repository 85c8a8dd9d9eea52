"""The baseline of bench/pages.py: hello world in Flask, served in-process and by the same
gunicorn settings as the application (`gunicorn -w 2 bench.hello:app`)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
