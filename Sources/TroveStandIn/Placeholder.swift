import Hummingbird
public enum StandInPlaceholder {}
