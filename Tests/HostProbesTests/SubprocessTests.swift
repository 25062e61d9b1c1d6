import Foundation
import HostProbes
import Testing

/// The one way attt runs a program (a fix's tool, or the live firewall listing): output kept, status
/// told apart from a signal, a program that hangs killed, output bounded.
@Suite struct SubprocessTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    @Test func outputAndStatus() throws {
        let (status, output) = try Subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"], environment: environment)
        #expect(status == 3)
        #expect(String(decoding: output, as: UTF8.self) == "out\nerr\n")
    }

    @Test func aProgramThatHangsIsKilledAtTheTimeout() throws {
        let (status, _) = try Subprocess.run(["sleep", "30"], environment: environment, timeout: 0.2)
        #expect(status == 128 + SIGKILL)
    }

    @Test func outputIsBounded() throws {
        let (status, output) = try Subprocess.run(["sh", "-c", "head -c 1000000 /dev/zero"], environment: environment, maxOutput: 1000)
        #expect(status == 0 && output.count == 1000)
    }

    @Test func aMissingProgramSaysSo() {
        #expect(throws: Subprocess.Failure.self) { try Subprocess.run(["attt-no-such-program"], environment: environment) }
    }
}
