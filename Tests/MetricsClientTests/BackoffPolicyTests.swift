import MetricsClient
import MetricsWire
import Testing

@Suite("BackoffPolicy")
struct BackoffPolicyTests {
    @Test("doubles from the initial wait and stops at the cap")
    func schedule() {
        let policy = BackoffPolicy(initial: .seconds(1), multiplier: 2, maximum: .seconds(30), jitter: 0)
        let waits = (1...8).map { policy.delay(afterFailures: $0, random: 0.5) }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
        #expect(policy.delay(afterFailures: 10_000, random: 0.5) == .seconds(30))
    }

    @Test("jitter spreads each wait by ±fraction and never past the cap", arguments: [0.0, 0.25, 0.5, 0.999])
    func jitter(random: Double) {
        let policy = BackoffPolicy(initial: .seconds(2), maximum: .seconds(30), jitter: 0.2)
        let wait = policy.delay(afterFailures: 2, random: random)
        #expect(wait >= .milliseconds(3_200) && wait <= .milliseconds(4_800))
        #expect(policy.delay(afterFailures: 20, random: random) <= .seconds(30))
        #expect(policy.delay(afterFailures: 20, random: random) >= .seconds(24))
    }
}
