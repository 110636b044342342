import Foundation

/// The JUnit XML a CI system shows for a `dashboard check`: a test suite named after the target, one test case
/// per bound (failing with its violations), or one failing case when the target could not be read.
public enum JUnitReport {
    /// The bounds' results against `target`: each bound's name and its violations (none when it holds).
    public static func xml(target: String, results: [(name: String, violations: [String])], seconds: Double) -> String {
        let failures = results.filter { !$0.violations.isEmpty }.count
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites tests="\#(results.count)" failures="\#(failures)">"# + "\n"
        xml += #"  <testsuite name="dashboard check \#(escape(target))" tests="\#(results.count)" "#
        xml += #"failures="\#(failures)" errors="0" time="\#(String(format: "%.3f", seconds))">"# + "\n"
        for result in results {
            xml += #"    <testcase classname="dashboard.check" name="\#(escape(result.name))""#
            if result.violations.isEmpty {
                xml += "/>\n"
            } else {
                let message = result.violations.joined(separator: "\n")
                xml += ">\n"
                xml +=
                    #"      <failure message="\#(escape(result.violations[0]))">\#(escape(message))</failure>"# + "\n"
                xml += "    </testcase>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// `text` with XML's special characters escaped, and control characters XML cannot hold dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
