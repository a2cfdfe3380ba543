import TihuaStore
import TihuaCompute
