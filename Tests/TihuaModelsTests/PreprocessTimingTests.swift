import Foundation
import Testing
import TihuaModels

/// Prints how long decode and preprocessing take for the 1440×960 photo. The
/// bound is loose so that debug builds pass; the figures that matter come
/// from a release build:
///   swift test -c release -Xswiftc -enable-testing --filter PreprocessTimingTests
@Suite struct PreprocessTimingTests {
    @Test func resizeOfA1440x960PhotoTakesMilliseconds() throws {
        let path = PreprocessFixtures.path("images/chun.jpg")
        let p = ImagePreprocessor.chineseCLIP
        var image = try JPEGDecoder.decode(file: path)
        var decode = Double.infinity, resize = Double.infinity, values = Double.infinity
        for _ in 0..<5 {
            var t = Date()
            image = try JPEGDecoder.decode(file: path)
            decode = min(decode, Date().timeIntervalSince(t))
            t = Date()
            let resized = p.resized(image)
            resize = min(resize, Date().timeIntervalSince(t))
            t = Date()
            let v = p.pixelValues(image)
            values = min(values, Date().timeIntervalSince(t))
            #expect(resized.width == 224 && v.count == p.count)
        }
        print(String(format: "chun.jpg 1440x960: decode %.2f ms, resize %.2f ms, pixelValues %.2f ms (best of 5)",
                     decode * 1e3, resize * 1e3, values * 1e3))
        #expect(resize < 0.5)
    }
}
