import Foundation
@_exported import TihuaTestSupport
import TihuaCompute

