import TihuaCompute
import CTihuaJPEG
