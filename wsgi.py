from juragan import create_app

app = create_app()
