import AtttCommands

Attt.runAndExit()
