import AtttCommands

await Attt.runAndExit()
