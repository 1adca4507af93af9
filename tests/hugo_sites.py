"""Hugo configurations the site and batch tests build small sites from."""

# Japanese by default, each language with its own content folder (content-directory layout).
BILINGUAL_DIRS = """defaultContentLanguage = "ja"
[languages.ja]
contentDir = "content/ja"
weight = 1
[languages.en]
contentDir = "content/en"
weight = 2
"""
