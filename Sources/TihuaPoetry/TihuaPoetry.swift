// TihuaPoetry
