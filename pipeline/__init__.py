"""honyaku: translate Japanese Hugo posts into English, keeping everything but prose intact."""
