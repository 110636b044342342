import Foundation

/// Draws from the distributions the demo workload needs.
struct DemoRandom {
    /// A sample of a log-normal distribution with the given median and shape (σ of the underlying normal).
    static func logNormal<G: RandomNumberGenerator>(median: Double, sigma: Double, using generator: inout G) -> Double {
        median * exp(sigma * standardNormal(using: &generator))
    }

    /// A standard normal sample (Box–Muller).
    static func standardNormal<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// The gap before the next arrival of a Poisson process with `rate` events per second.
    static func exponentialGap<G: RandomNumberGenerator>(rate: Double, using generator: inout G) -> Double {
        -log(Double.random(in: Double.ulpOfOne..<1, using: &generator)) / rate
    }
}

/// A Zipf distribution over ranks `0..<count`: rank k has weight 1 / (k+1)^exponent.
struct ZipfDistribution: Sendable {
    private let cumulative: [Double]

    init(count: Int, exponent: Double) {
        var running = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(count)
        for rank in 1...max(1, count) {
            running += 1 / pow(Double(rank), exponent)
            cumulative.append(running)
        }
        self.cumulative = cumulative.map { $0 / running }
    }

    /// A rank, most often 0.
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        let target = Double.random(in: 0..<1, using: &generator)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
