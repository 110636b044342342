import ArgumentParser
import Engine

print("x")
