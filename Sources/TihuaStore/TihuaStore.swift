// TihuaStore
