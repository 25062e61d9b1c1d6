import CollectorCommands
await Collector.runAndExit()
